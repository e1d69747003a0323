"""Lab 6's checks: a right answer passes, each named mistake is reported, placeholders are unanswered."""

from __future__ import annotations

from secretkit.labs.lab06 import check


def good_can_log_in(connector, secret):
    session = connector.connect(secret)
    if session is None:
        return False
    session.close()
    return True


def test_q1_right_answer_and_mistakes():
    assert check("q1", good_can_log_in).passed

    def leaks(connector, secret):
        return connector.connect(secret) is not None

    def returns_session(connector, secret):
        return connector.connect(secret)

    def placeholder(connector, secret):
        ...

    assert "session stays open" in check("q1", leaks).message
    assert "True or False" in check("q1", returns_session).message
    assert check("q1", placeholder).status == "unanswered"
    assert check("q1", ...).status == "unanswered"


def test_q2_facts_about_setsecret():
    right = {"old password": False, "new password": True, "AWSCURRENT": False, "session opened before": True}
    assert check("q2", right).passed
    assert "replaces it" in check("q2", dict(right, **{"old password": True})).message
    assert "authenticated once" in check("q2", dict(right, **{"session opened before": False})).message
    assert "finishSecret" in check("q2", dict(right, AWSCURRENT=True)).message
    assert "lacks" in check("q2", {"new password": True}).message
    assert check("q2", ...).status == "unanswered"


def test_q3_failing_phases():
    def right(records):
        out = []
        for r in records:
            if not r["ok"] and r["phase"] not in out:
                out.append(r["phase"])
        return out

    assert check("q3", right).passed
    assert "more than once" in check("q3", lambda rs: [r["phase"] for r in rs if not r["ok"]]).message
    assert "order" in check("q3", lambda rs: sorted({r["phase"] for r in rs if not r["ok"]})).message
    assert "all worked" in check("q3", lambda rs: list(dict.fromkeys(r["phase"] for r in rs))).message
