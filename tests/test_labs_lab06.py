"""Lab 6's checks against a table of wrong answers students write, each with its own message.

The checks run on stand-ins (a connector with known passwords that can also be down,
hand-made request records), so these tests need no database server.
"""

from __future__ import annotations

import pytest

from secretkit.labs import lab06
from _labs_support import answer_table_tests


class NotebookConnector:
    """The notebook's own connector, which an answer might use instead of its argument."""

    def connect(self, secret):
        return None


NOTEBOOK_CONNECTOR = NotebookConnector()


# --------------------------------------------------------------------------- q1
def can_log_in_ok(connector, secret):
    session = connector.connect(secret)
    if session is None:
        return False
    session.close()
    return True


def closes_none(connector, secret):
    session = connector.connect(secret)
    session.close()
    return True


def swallows_errors(connector, secret):
    try:
        return can_log_in_ok(connector, secret)
    except Exception:
        return False


def leaks(connector, secret):
    return connector.connect(secret) is not None


def connects_twice(connector, secret):
    if connector.connect(secret) is None:
        return False
    with connector.connect(secret):
        return True


Q1 = [
    (lambda connector, secret: connector.connect(secret), "returned the session: close it and return True or False"),
    (lambda connector, secret: int(can_log_in_ok(connector, secret)), "returned an int: return True or False"),
    (lambda connector, secret: not can_log_in_ok(connector, secret),
     "a secret with the right password was reported as refused"),
    (leaks, "the session stays open: close it (or use `with`), or every check leaks a server connection"),
    (connects_twice, "the session stays open: close it (or use `with`), or every check leaks a server connection"),
    (lambda connector, secret: can_log_in_ok(connector, secret) or True,
     "a refused login was reported as working: connect() returns None when refused"),
    (closes_none, "connect() returned None for a refused login and your code used it as a session: test for None "
                  "before touching it"),
    (swallows_errors, "an unreachable server was reported as a refused password: let the connection error through "
                      "(the password may be fine)"),
    (lambda connector, secret: can_log_in_ok(NOTEBOOK_CONNECTOR, secret),
     "no login reached the connector passed in: your function used another one (the notebook's `connector`?); call "
     "connect on the argument"),
]

# --------------------------------------------------------------------------- q2
RIGHT = {"old password": False, "new password": True, "AWSCURRENT": False, "session opened before": True}

Q2 = [
    ([("old password", False)], "answer with a dict from each of the four names to True or False"),
    ({"new password": True}, "the dict lacks 'old password', 'AWSCURRENT', 'session opened before'"),
    ({**{k: v for k, v in RIGHT.items() if k != "old password"}, "old_password": False},
     "'old_password' is not one of the four names: is it a misspelt 'old password'?"),
    ({**RIGHT, "new password": "works"}, "the values are text: use True or False, without quotes"),
    ({**RIGHT, "new password": 1}, "each value should be True or False"),
    ({**RIGHT, "new password": False}, "setSecret has just made the database accept the pending password"),
    ({**RIGHT, "old password": True}, "PostgreSQL keeps one password per role: ALTER ROLE replaces it, the old one is "
                                      "refused"),
    ({**RIGHT, "AWSCURRENT": True}, "until finishSecret, AWSCURRENT still holds the old password"),
    ({**RIGHT, "session opened before": False},
     "a session is authenticated once, when it connects; changing the password does not end it"),
]


# --------------------------------------------------------------------------- q3
def failing_ok(records):
    out = []
    for r in records:
        if not r["ok"] and r["phase"] not in out:
            out.append(r["phase"])
    return out


def sorts_in_place(records):
    records.sort(key=lambda r: r["ok"])
    return failing_ok(sorted(records, key=lambda r: r["seq"]))


def reads_the_last_record(records):
    count = records[-1]["seq"] + 1  # the number of requests, taken from the last record
    return failing_ok(records[:count])


def from_notebook(records):
    return ["setSecret", "testSecret"]


Q3 = [
    (sorts_in_place, "failing_phases changed the records it was given (sorted or removed some): read them without "
                     "changing them, the lab's later cells use them"),
    (lambda records: {r["phase"] for r in records if not r["ok"]}, "returned a set: return a list, which keeps the "
                                                                     "order"),
    (lambda records: {r["phase"]: r["ok"] for r in records}, "returned a dict: return a list of phase names"),
    (lambda records: [r for r in records if not r["ok"]], "returned records: return their phase names"),
    (from_notebook, "returned phases that are not in the records passed in: read the `records` argument"),
    (lambda records: list(dict.fromkeys(r["phase"] for r in records)), "a phase whose requests all worked is listed"),
    (lambda records: [r["phase"] for r in records[:3] if not r["ok"]], "a phase with a failed request is missing"),
    (lambda records: [r["phase"] for r in records if not r["ok"]], "a phase is listed more than once"),
    (lambda records: sorted({r["phase"] for r in records if not r["ok"]}), "the phases are not in the order they "
                                                                            "happened"),
    (reads_the_last_record, "your code failed on an empty list of records: no requests means no failing phases"),
]

TABLES = {"q1": (Q1, can_log_in_ok), "q2": (Q2, RIGHT), "q3": (Q3, failing_ok)}
# Leaking a session by two routes is one mistake with one message; every other differs.
(test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message,
 test_the_right_answer_passes) = answer_table_tests(lab06.check, TABLES, shared_hints={"q1": 1})


def test_placeholders_are_not_answered_yet():
    def placeholder(*args):
        ...

    for question in ("q1", "q3"):
        assert lab06.check(question, placeholder).status == "unanswered"
    for question in TABLES:
        assert lab06.check(question, ...).status == "unanswered"
