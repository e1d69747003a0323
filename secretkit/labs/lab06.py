"""Lab 6 checks: rotation against a real PostgreSQL.

The questions are about what a real server does, but the checks run on stand-ins of their
own (a tiny connector with known passwords, hand-made request records), so a check gives
the same answer on any machine, with or without a database server.

* ``q1`` — ``can_log_in(connector, secret)``: True when the secret logs in, False when the
  server refuses it, and the session it opened is closed again.
* ``q2`` — ``after_set``: a dict predicting, for the moment after single-user setSecret,
  whether each of ``"old password"``, ``"new password"``, ``"AWSCURRENT"`` and
  ``"session opened before"`` still works.
* ``q3`` — ``failing_phases(records)``: from the application's request records (dicts with
  ``phase`` and ``ok``), the phases with at least one failed request, in the order they
  happened.
"""

from __future__ import annotations

from typing import Any, Callable

from . import Checks, call, expect

__all__ = ["checks", "check"]

checks = Checks("lab06")
check = checks.check


class _Session:
    def __init__(self, owner: _Connector) -> None:
        self.owner = owner
        self.closed = False
        owner.opened.append(self)

    def test_login(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True


class _Connector:
    """Logs in when the password matches; remembers every session it opened."""

    def __init__(self, **users: str) -> None:
        self.users = users
        self.opened: list[_Session] = []

    def connect(self, secret: dict[str, Any]) -> _Session | None:
        if self.users.get(secret.get("username", "")) != secret.get("password"):
            return None
        return _Session(self)


def _secret(username: str, password: str) -> dict[str, Any]:
    return {"engine": "postgres", "host": "127.0.0.1", "port": 5432, "username": username,
            "password": password, "dbname": "appdb"}


@checks.question("q1")
def _q1(can_log_in: Callable[..., Any]) -> None:
    db = _Connector(app="right-Pa55word")
    good = call(can_log_in, db, _secret("app", "right-Pa55word"))
    expect(good is True or good is False, "return True or False, not the session or the secret")
    expect(good, "a secret with the right password was reported as refused")
    expect(all(s.closed for s in db.opened),
           "the session stays open: close it (or use `with`), or every check leaks a server connection")
    bad = call(can_log_in, db, _secret("app", "old-Pa55word"))
    expect(bad is False, "a refused login was reported as working: connect() returns None when refused")
    expect(call(can_log_in, db, _secret("nobody", "right-Pa55word")) is False,
           "an unknown user was reported as logging in")


_FACTS = {"old password": False, "new password": True, "AWSCURRENT": False, "session opened before": True}


@checks.question("q2")
def _q2(after_set: dict[str, Any]) -> None:
    expect(isinstance(after_set, dict), "answer with a dict from each of the four names to True or False")
    missing = [k for k in _FACTS if k not in after_set]
    expect(not missing, f"the dict lacks {', '.join(map(repr, missing))}")
    expect(all(isinstance(after_set[k], bool) for k in _FACTS), "each value should be True or False")
    expect(after_set["new password"], "setSecret has just made the database accept the pending password")
    expect(not after_set["old password"],
           "PostgreSQL keeps one password per role: ALTER ROLE replaces it, the old one is refused")
    expect(after_set["AWSCURRENT"] == after_set["old password"],
           "until finishSecret, AWSCURRENT still holds the old password")
    expect(after_set["session opened before"],
           "a session is authenticated once, when it connects; changing the password does not end it")


@checks.question("q3")
def _q3(failing_phases: Callable[..., Any]) -> None:
    records = [{"seq": 0, "phase": "before", "ok": True}, {"seq": 1, "phase": "b", "ok": False},
               {"seq": 2, "phase": "b", "ok": True}, {"seq": 3, "phase": "a", "ok": False},
               {"seq": 4, "phase": "z", "ok": True}, {"seq": 5, "phase": "a", "ok": False}]
    got = call(failing_phases, records)
    expect(isinstance(got, list), "return a list of phase names")
    expect("before" not in got and "z" not in got, "a phase whose requests all worked is listed")
    expect(sorted(set(got)) == ["a", "b"], "a phase with a failed request is missing")
    expect(len(got) == 2, "a phase is listed more than once")
    expect(got == ["b", "a"], "the phases are not in the order they happened")
    expect(call(failing_phases, []) == [], "no requests, no failing phases")
