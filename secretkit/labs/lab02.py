"""Lab 2 checks: the four steps of a rotation function, one question per step.

The student writes the steps as functions that take their clients as arguments (so a check
can hand them a fresh, seeded Cloud and database of its own):

* ``create_secret(sm, arn, token)``  — put the new password as the AWSPENDING version ``token``;
* ``set_secret(sm, db, arn, token)`` — change the password in the database to the pending one;
* ``test_secret(sm, db, arn, token)`` — log in with the pending password; raise if it fails;
* ``finish_secret(sm, arn, token)``  — move AWSCURRENT to ``token``.

The database is :class:`Database`, a deliberately small stand-in with one rule that matters
for rotation: a user changes its own password, so it must log in with the current one first.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, StudentError, Unanswered, call, does_nothing, expect

__all__ = ["Database", "checks", "check"]

checks = Checks("lab02")
check = checks.check

_USER, _FIRST = "app_user", "first-Pa55word-0001"


class DatabaseUnavailable(ConnectionError):
    """The database cannot be reached (used to inject a failure)."""


class Database:
    """A toy database that knows users and passwords, nothing else.

    ``login`` answers whether a password is right; ``change_password`` lets a user change its
    own password after proving the current one (what a single-user rotation does). Set
    ``down = True`` to make every call fail as an unreachable server. Passwords are kept in
    the clear: this object exists to show *which* password works, not to store them safely.
    """

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self._passwords: dict[str, str] = dict(users or {})
        self.down = False
        self.changes = 0

    def _reachable(self) -> None:
        if self.down:
            raise DatabaseUnavailable("could not connect to the database: connection refused")

    def login(self, username: str, password: str) -> bool:
        """True when ``password`` is ``username``'s current password."""
        self._reachable()
        known = self._passwords.get(username)
        return known is not None and hmac.compare_digest(known.encode(), str(password).encode())

    def change_password(self, username: str, current: str, new: str) -> None:
        """Set ``username``'s password to ``new``, proving ``current`` first."""
        self._reachable()
        if not self.login(username, current):
            raise PermissionError(f"password authentication failed for user {username!r}")
        if not isinstance(new, str) or not new:
            raise ValueError("the new password must be a non-empty string")
        self._passwords[username] = new
        self.changes += 1

    def __repr__(self) -> str:
        state = "down" if self.down else "up"
        return f"Database(users={sorted(self._passwords)}, {state}, password changes={self.changes})"


def _world(seed: int) -> tuple[Cloud, Any, Database, str]:
    cloud = Cloud(seed=seed)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    arn = sm.create_secret(Name="lab02/check/db",
                           SecretString=json.dumps({"username": _USER, "password": _FIRST}))["ARN"]
    return cloud, sm, Database({_USER: _FIRST}), arn


def _stages(sm: Any, arn: str) -> dict[str, list[str]]:
    return sm.describe_secret(SecretId=arn)["VersionIdsToStages"]


def _code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def _pending(sm: Any, arn: str, token: str, password: str) -> None:
    """The state after a correct createSecret: the new version, labelled AWSPENDING."""
    sm.put_secret_value(SecretId=arn, ClientRequestToken=token, VersionStages=["AWSPENDING"],
                        SecretString=json.dumps({"username": _USER, "password": password}))


@checks.question("q1")
def _create(create_secret: Callable[..., Any]) -> None:
    cloud, sm, db, arn = _world(201)
    token = cloud.ids.uuid()
    call(create_secret, sm, arn, token)
    stages = _stages(sm, arn)
    expect(token in stages, "the new version is not keyed by the rotation token: pass ClientRequestToken=token")
    expect("AWSCURRENT" not in stages[token],
           "PutSecretValue without VersionStages=['AWSPENDING'] made the new password AWSCURRENT "
           "before the database knows it")
    expect(stages[token] == ["AWSPENDING"], "the new version should carry the AWSPENDING label")
    pending = json.loads(sm.get_secret_value(SecretId=arn, VersionId=token)["SecretString"])
    expect(pending.get("username") == _USER,
           "the pending secret lost the other fields: copy the current JSON and change only the password")
    expect(pending.get("password") not in (None, _FIRST), "the pending version still has the old password")
    expect(len(str(pending["password"])) >= 16, "the new password is short: ask get_random_password for 16 or more")
    try:
        create_secret(sm, arn, token)  # Secrets Manager retries a step after a failure
    except Exception as error:
        if _code(error) == "ResourceExistsException":
            raise Mistake("createSecret is not idempotent: on a retry, keep the pending version "
                          "that already exists instead of putting a new password") from None
        raise StudentError(error) from error
    again = json.loads(sm.get_secret_value(SecretId=arn, VersionId=token)["SecretString"])
    expect(again == pending, "createSecret is not idempotent: a retry changed the pending password")


@checks.question("q2")
def _set(set_secret: Callable[..., Any]) -> None:
    cloud, sm, db, arn = _world(202)
    token, new = cloud.ids.uuid(), "second-Pa55word-0002"
    _pending(sm, arn, token, new)
    call(set_secret, sm, db, arn, token)
    expect(not db.login(_USER, _FIRST) or db.login(_USER, new),
           "the database still has the old password: setSecret must set the AWSPENDING one")
    expect(db.login(_USER, new), "the database password is not the pending one")
    expect("AWSCURRENT" not in _stages(sm, arn)[token],
           "setSecret moved AWSCURRENT: only finishSecret does that, after testSecret")
    try:
        call(set_secret, sm, db, arn, token)  # a retry after the password already changed
    except StudentError as error:
        if isinstance(error.original, PermissionError):
            raise Mistake("setSecret is not idempotent: on a retry the current password no longer logs "
                          "in; first check whether the pending one already works") from None
        raise
    expect(db.login(_USER, new), "setSecret is not idempotent: run twice, the database lost the pending password")


@checks.question("q3")
def _test(test_secret: Callable[..., Any]) -> None:
    cloud, sm, db, arn = _world(203)
    token, new = cloud.ids.uuid(), "third-Pa55word-0003"
    _pending(sm, arn, token, new)
    if not callable(test_secret) or does_nothing(test_secret):
        call(test_secret)  # reports the placeholder (or a non-function) the usual way
    try:
        outcome = test_secret(sm, db, arn, token)  # the database still has the old password
    except NotImplementedError:
        raise Unanswered() from None
    except Exception:
        outcome = "raised"
    expect(outcome == "raised",
           "testSecret passed although the pending password does not work: raise when login fails")
    db.change_password(_USER, _FIRST, new)
    call(test_secret, sm, db, arn, token)  # now it must pass


@checks.question("q4")
def _finish(finish_secret: Callable[..., Any]) -> None:
    cloud, sm, db, arn = _world(204)
    token = cloud.ids.uuid()
    old = next(v for v, s in _stages(sm, arn).items() if "AWSCURRENT" in s)
    _pending(sm, arn, token, "fourth-Pa55word-0004")
    try:
        call(finish_secret, sm, arn, token)
    except StudentError as error:
        if _code(error.original) == "InvalidParameterException":
            raise Mistake("moving AWSCURRENT needs RemoveFromVersionId: the version that holds it now") from None
        raise
    stages = _stages(sm, arn)
    expect("AWSCURRENT" in stages[token] or "AWSPENDING" not in stages[token],
           "AWSPENDING is still attached after finishSecret to a version that is not AWSCURRENT: "
           "move AWSCURRENT to the token's version")
    expect("AWSCURRENT" in stages[token], "the token's version is not AWSCURRENT")
    expect("AWSPREVIOUS" in stages.get(old, []), "the old version should now be AWSPREVIOUS")
    call(finish_secret, sm, arn, token)  # finishing twice must change nothing
    expect(_stages(sm, arn) == stages, "finishSecret is not idempotent: a second call changed the labels")
