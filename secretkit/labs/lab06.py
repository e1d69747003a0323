"""Lab 6 checks: rotation against a real PostgreSQL.

The questions are about what a real server does, but the checks run on stand-ins of their
own (a tiny connector with known passwords, hand-made request records), so a check gives
the same answer on any machine, with or without a database server.

* ``q1`` — ``can_log_in(connector, secret)``: True when the secret logs in, False when the
  server refuses it, and the session it opened is closed again; a server that is not
  there is an error for the caller, not a refused password.
* ``q2`` — ``after_set``: a dict predicting, for the moment after single-user setSecret,
  whether each of ``"old password"``, ``"new password"``, ``"AWSCURRENT"`` and
  ``"session opened before"`` still works.
* ``q3`` — ``failing_phases(records)``: from the application's request records (dicts with
  ``phase`` and ``ok``), the phases with at least one failed request, in the order they
  happened, without changing the records (the lab's later cells read them again).
"""

from __future__ import annotations

from typing import Any, Callable

from . import Checks, Mistake, StudentError, call, expect, type_name

__all__ = ["checks", "check"]

checks = Checks("lab06")
check = checks.check


class _ServerUnreachable(ConnectionError):
    """The stand-in server is not there (what a real driver raises when nothing listens)."""


class _Session:
    def __init__(self, owner: _Connector) -> None:
        self.owner = owner
        self.closed = False
        owner.opened.append(self)

    def test_login(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Connector:
    """Logs in when the password matches; remembers every session it opened; can be down."""

    def __init__(self, **users: str) -> None:
        self.users = users
        self.opened: list[_Session] = []
        self.attempts = 0
        self.down = False

    def connect(self, secret: dict[str, Any]) -> _Session | None:
        self.attempts += 1
        if self.down:
            raise _ServerUnreachable("connection refused: is the server running on 127.0.0.1?")
        if self.users.get(secret.get("username", "")) != secret.get("password"):
            return None
        return _Session(self)


def _secret(username: str, password: str) -> dict[str, Any]:
    return {"engine": "postgres", "host": "127.0.0.1", "port": 5432, "username": username,
            "password": password, "dbname": "appdb"}


_NONE_AS_SESSION = ("connect() returned None for a refused login and your code used it as a session: "
                    "test for None before touching it")


def _log_in(can_log_in: Callable[..., Any], db: _Connector, secret: dict[str, Any]) -> Any:
    attempts = db.attempts
    try:
        got = call(can_log_in, db, secret)
    except StudentError as error:
        if isinstance(error.original, AttributeError) and "NoneType" in str(error.original):
            raise Mistake(_NONE_AS_SESSION) from None
        raise
    expect(db.attempts > attempts, "no login reached the connector passed in: your function used another one (the "
                                   "notebook's `connector`?); call connect on the argument")
    expect(not isinstance(got, _Session), "returned the session: close it and return True or False")
    expect(got is True or got is False, f"returned {type_name(got)}: return True or False")
    return got


@checks.question("q1")
def _q1(can_log_in: Callable[..., Any]) -> None:
    db = _Connector(app="right-Pa55word")
    good = _log_in(can_log_in, db, _secret("app", "right-Pa55word"))
    expect(good, "a secret with the right password was reported as refused")
    expect(all(s.closed for s in db.opened),
           "the session stays open: close it (or use `with`), or every check leaks a server connection")
    bad = _log_in(can_log_in, db, _secret("app", "old-Pa55word"))
    expect(bad is False, "a refused login was reported as working: connect() returns None when refused")
    expect(_log_in(can_log_in, db, _secret("nobody", "right-Pa55word")) is False,
           "an unknown user was reported as logging in")
    db.down = True
    try:
        unreachable = can_log_in(db, _secret("app", "right-Pa55word"))
    except Exception:  # the error reaching the caller is what a missing server should do
        return
    raise Mistake("an unreachable server was reported as " + ("a refused password" if unreachable is False
                                                              else "a login that works")
                  + ": let the connection error through (the password may be fine)")


_FACTS = {"old password": False, "new password": True, "AWSCURRENT": False, "session opened before": True}


@checks.question("q2")
def _q2(after_set: dict[str, Any]) -> None:
    expect(isinstance(after_set, dict), "answer with a dict from each of the four names to True or False")
    unknown = [k for k in after_set if k not in _FACTS]
    missing = [k for k in _FACTS if k not in after_set]
    if unknown and missing:
        raise Mistake(f"{unknown[0]!r} is not one of the four names: is it a misspelt {missing[0]!r}?")
    expect(not missing, f"the dict lacks {', '.join(map(repr, missing))}")
    expect(not any(isinstance(after_set[k], str) for k in _FACTS),
           "the values are text: use True or False, without quotes")
    expect(all(isinstance(after_set[k], bool) for k in _FACTS), "each value should be True or False")
    expect(after_set["new password"], "setSecret has just made the database accept the pending password")
    expect(not after_set["old password"],
           "PostgreSQL keeps one password per role: ALTER ROLE replaces it, the old one is refused")
    expect(after_set["AWSCURRENT"] == after_set["old password"],
           "until finishSecret, AWSCURRENT still holds the old password")
    expect(after_set["session opened before"],
           "a session is authenticated once, when it connects; changing the password does not end it")


def _records() -> list[dict[str, Any]]:
    return [{"seq": 0, "phase": "before", "ok": True}, {"seq": 1, "phase": "b", "ok": False},
            {"seq": 2, "phase": "b", "ok": True}, {"seq": 3, "phase": "a", "ok": False},
            {"seq": 4, "phase": "z", "ok": True}, {"seq": 5, "phase": "a", "ok": False}]


@checks.question("q3")
def _q3(failing_phases: Callable[..., Any]) -> None:
    records = _records()
    got = call(failing_phases, records)
    expect(records == _records(), "failing_phases changed the records it was given (sorted or removed some): read "
                                  "them without changing them, the lab's later cells use them")
    expect(not isinstance(got, (set, frozenset)), "returned a set: return a list, which keeps the order")
    expect(isinstance(got, list), f"returned {type_name(got)}: return a list of phase names")
    expect(not any(isinstance(item, dict) for item in got), "returned records: return their phase names")
    expect(all(item in {r["phase"] for r in records} for item in got),
           "returned phases that are not in the records passed in: read the `records` argument")
    expect("before" not in got and "z" not in got, "a phase whose requests all worked is listed")
    expect(sorted(set(got)) == ["a", "b"], "a phase with a failed request is missing")
    expect(len(got) == 2, "a phase is listed more than once")
    expect(got == ["b", "a"], "the phases are not in the order they happened")
    try:
        empty = call(failing_phases, [])
    except StudentError:
        raise Mistake("your code failed on an empty list of records: no requests means no failing phases") from None
    expect(empty == [], "no requests, no failing phases")
