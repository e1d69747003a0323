"""The rotation stepper's controller: a secret, a database and an application, day by day.

Pure Python (no widget library). One :class:`RotationStepper` owns a seeded
:class:`~secretkit.Cloud`, a secret holding database credentials, a toy database that
accepts or refuses logins, and an application that logs in every 10 minutes with
credentials it caches for an hour (as AWS's caching clients do). Every
``rotation_days`` days at 02:25 the stepper runs the four steps of a rotation function
against Secrets Manager, exactly as a Lambda function would call it:

1. ``createSecret``: a new version with a fresh password, labelled ``AWSPENDING``;
2. ``setSecret``: the database learns the new password;
3. ``testSecret``: log in with the pending credentials;
4. ``finishSecret``: move ``AWSCURRENT`` to the new version (``AWSPREVIOUS`` follows by itself).

A successful rotation leaves ``AWSPENDING`` either on the new current version or on no
version (AWS documents both); the stepper removes it, so on its chart a pending label
always means a rotation that has not finished. A rotation that fails part-way leaves
``AWSCURRENT`` where it was and ``AWSPENDING`` on the new version; the next attempt (on
the next rotation day) finds that version in createSecret and carries on with the password
it already holds. The story normally ends on day :attr:`RotationStepper.days`; a failure
injected into a rotation moves the end (:attr:`RotationStepper.last_day`) on, so the attempt
that finishes it is always part of the story.

Two strategies show why "alternating users" exists:

* ``single-user``: setSecret changes the one user's password, so an application still
  holding the old password in its cache fails until the cache expires;
* ``alternating``: setSecret changes the password of the *other* user, so the cached
  credentials stay valid and no request fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..cloud import Cloud
from ..core.errors import ClientError

__all__ = ["LABELS", "STRATEGIES", "DayRecord", "RotationStepper", "ToyDatabase"]

STRATEGIES = ("single-user", "alternating")
LABELS = ("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING")
SECRET_NAME = "prod/orders/db"
TICK = timedelta(minutes=10)
ROTATE_AT = timedelta(hours=2, minutes=25)  # between two cache refreshes, so the window shows


class ToyDatabase:
    """A database that only knows users and their current passwords."""

    def __init__(self) -> None:
        self.passwords: dict[str, str] = {}
        self.broken = False  # when True the next password change fails (an injected fault)

    def set_password(self, user: str, password: str) -> None:
        if self.broken:
            self.broken = False
            raise ConnectionError("database unreachable during setSecret (injected failure)")
        self.passwords[user] = password

    def login(self, user: str, password: str) -> bool:
        return self.passwords.get(user) == password


@dataclass
class DayRecord:
    """The state at the end of one simulated day."""

    day: int
    labels: dict[str, int | None]  # label -> version number (1-based), None when unattached
    accepted: list[int]  # version numbers whose credentials the database accepts
    ok: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)


class RotationStepper:
    """Step through days of a rotating secret and see labels, database and application."""

    def __init__(self, strategy: str = "single-user", rotation_days: int = 30, days: int = 90,
                 cache_minutes: int = 60, seed: int = 7) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        for name, value, low in (("rotation_days", rotation_days, 1), ("days", days, 1), ("cache_minutes", cache_minutes, 10)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
        self.strategy = strategy
        self.rotation_days = rotation_days
        self.days = days
        self.cache = timedelta(minutes=cache_minutes)
        self.seed = seed
        self.reset()

    # ------------------------------------------------------------------ controls
    def reset(self) -> None:
        """A fresh Cloud, secret, database and application at day 0."""
        self.cloud = Cloud(seed=self.seed, start="2026-01-01")
        self.sm = self.cloud.secretsmanager("us-east-1")
        self.db = ToyDatabase()
        self.versions: list[str] = []  # version ids in creation order; number = index + 1
        self.log: list[str] = []
        self.rotations = 0
        self._fail_days: set[int] = set()  # rotation days whose setSecret fails
        password = self._password()
        self.db.set_password("app_user", password)
        out = self.sm.create_secret(Name=SECRET_NAME, SecretString=json.dumps({"username": "app_user", "password": password}))
        self.versions.append(out["VersionId"])
        self._cached: dict[str, str] | None = None
        self._cached_at = self.cloud.clock.now
        self.history: list[DayRecord] = [self._record(0)]

    def set_strategy(self, strategy: str) -> None:
        """Switch strategy; the story starts again from day 0."""
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        self.strategy = strategy
        self.reset()

    def fail_next_rotation(self) -> None:
        """Make setSecret of the next rotation fail (the database is unreachable).

        The failure is remembered by the day it happens on, so going back and replaying
        (:meth:`goto`) fails the same rotation again, and the story runs on to the retry.
        """
        self._fail_days.add(self.next_rotation_day)

    @property
    def day(self) -> int:
        return len(self.history) - 1

    @property
    def next_rotation_day(self) -> int:
        """The day of the next rotation attempt after today."""
        return (self.day // self.rotation_days + 1) * self.rotation_days

    @property
    def last_day(self) -> int:
        """Where the story ends: :attr:`days`, or later when an injected failure needs its retry."""
        retry = max(self._fail_days, default=0) + self.rotation_days if self._fail_days else 0
        return max(self.days, retry)

    def step(self, days: int = 1) -> None:
        """Advance ``days`` days (never past :attr:`last_day`)."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"days must be a whole number >= 1, got {days!r}")
        for _ in range(min(days, self.last_day - self.day)):
            self._one_day()

    def goto(self, day: int) -> None:
        """Jump to ``day``; going back replays from day 0 (the story is deterministic, and the
        failures injected so far happen again on their days)."""
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= self.last_day:
            raise ValueError(f"day must be a whole number from 0 to {self.last_day}, got {day!r}")
        if day < self.day:
            fail_days = set(self._fail_days)
            self.reset()
            self._fail_days = fail_days
        if day > self.day:
            self.step(day - self.day)

    def play(self) -> None:
        """Run to the last day."""
        self.goto(self.last_day)

    # ------------------------------------------------------------------ the story
    def _password(self) -> str:
        return self.sm.get_random_password(PasswordLength=20, ExcludePunctuation=True)["RandomPassword"]

    def _one_day(self) -> None:
        day = self.day + 1
        start = self.cloud.start + timedelta(days=day - 1)
        record = DayRecord(day, {}, [])
        rotate = (day % self.rotation_days == 0)
        t = start
        while t < start + timedelta(days=1):
            self.cloud.clock.advance(seconds=(t - self.cloud.clock.now).total_seconds())
            if self._request():
                record.ok += 1
            else:
                record.failed += 1
            if rotate and t < start + ROTATE_AT <= t + TICK:
                self.cloud.clock.advance(seconds=(start + ROTATE_AT - t).total_seconds())
                record.notes.extend(self._rotate(day))
            t += TICK
        self.cloud.clock.advance(seconds=(start + timedelta(days=1) - self.cloud.clock.now).total_seconds())
        final = self._record(day)
        final.ok, final.failed, final.notes = record.ok, record.failed, record.notes
        self.history.append(final)

    def _request(self) -> bool:
        """One application request: log in with cached credentials, refreshing them when stale."""
        now = self.cloud.clock.now
        if self._cached is None or now - self._cached_at >= self.cache:
            self._cached = json.loads(self.sm.get_secret_value(SecretId=SECRET_NAME)["SecretString"])
            self._cached_at = now
        return self.db.login(self._cached["username"], self._cached["password"])

    def _value(self, stage: str) -> dict[str, str]:
        return json.loads(self.sm.get_secret_value(SecretId=SECRET_NAME, VersionStage=stage)["SecretString"])

    def _rotate(self, day: int) -> list[str]:
        """The four steps, as a rotation function would run them; returns what happened."""
        when = f"day {day} 02:25"
        notes: list[str] = []
        current = self._value("AWSCURRENT")
        user = current["username"]
        if self.strategy == "alternating":
            user = "app_user_clone" if user == "app_user" else "app_user"
        pending = self._pending()
        if pending is not None:
            # createSecret is idempotent: a version left with AWSPENDING by a failed attempt is
            # picked up again, with the password it already holds.
            vid = pending
            new = self._value("AWSPENDING")
            n = self.versions.index(vid) + 1
            notes.append(f"{when} createSecret: v{n} ({new['username']}) already holds AWSPENDING; reused")
        else:
            new = {"username": user, "password": self._password()}
            vid = self.sm.put_secret_value(SecretId=SECRET_NAME, ClientRequestToken=self.cloud.ids.uuid(),
                                           SecretString=json.dumps(new), VersionStages=["AWSPENDING"])["VersionId"]
            self.versions.append(vid)
            n = len(self.versions)
            notes.append(f"{when} createSecret: v{n} ({user}) labelled AWSPENDING")
        user = new["username"]
        if day in self._fail_days:
            self.db.broken = True
        try:
            self.db.set_password(user, new["password"])
        except ConnectionError as exc:
            notes.append(f"{when} setSecret failed ({exc}): AWSCURRENT stays on v{self._number('AWSCURRENT')}, "
                         f"v{n} keeps AWSPENDING, the application is unaffected")
            self.log.extend(notes)
            return notes
        notes.append(f"{when} setSecret: the database accepts v{n}'s password for {user}")
        if not self.db.login(user, new["password"]):
            raise AssertionError("testSecret: the pending credentials do not work")  # cannot happen with the toy DB
        notes.append(f"{when} testSecret: login with v{n} succeeds")
        old_n = self._number("AWSCURRENT")
        old = self.versions[old_n - 1]
        self.sm.update_secret_version_stage(SecretId=SECRET_NAME, VersionStage="AWSCURRENT",
                                            MoveToVersionId=vid, RemoveFromVersionId=old)
        # the end state with AWSPENDING on no version, so the chart shows no rotation in progress
        self.sm.update_secret_version_stage(SecretId=SECRET_NAME, VersionStage="AWSPENDING", RemoveFromVersionId=vid)
        self.rotations += 1
        notes.append(f"{when} finishSecret: AWSCURRENT -> v{n}, AWSPREVIOUS -> v{old_n}; AWSPENDING removed")
        self.log.extend(notes)
        return notes

    def _pending(self) -> str | None:
        """The version id holding AWSPENDING, if a previous attempt left one."""
        stages = self.sm.describe_secret(SecretId=SECRET_NAME)["VersionIdsToStages"]
        return next((vid for vid, names in stages.items() if "AWSPENDING" in names and "AWSCURRENT" not in names), None)

    def _number(self, label: str) -> int:
        described = self.sm.describe_secret(SecretId=SECRET_NAME)["VersionIdsToStages"]
        for vid, stages in described.items():
            if label in stages:
                return self.versions.index(vid) + 1
        raise LookupError(label)

    def _record(self, day: int) -> DayRecord:
        stages = self.sm.describe_secret(SecretId=SECRET_NAME)["VersionIdsToStages"]
        labels: dict[str, int | None] = {label: None for label in LABELS}
        for vid, names in stages.items():
            for label in names:
                if label in labels:
                    labels[label] = self.versions.index(vid) + 1
        accepted = []
        for number, vid in enumerate(self.versions, start=1):
            try:
                value = json.loads(self.sm.get_secret_value(SecretId=SECRET_NAME, VersionId=vid)["SecretString"])
            except ClientError:
                continue  # a version that lost every label is deprecated and may be gone
            if self.db.login(value["username"], value["password"]):
                accepted.append(number)
        return DayRecord(day, labels, accepted)

    # ------------------------------------------------------------------ views
    def series(self) -> dict[str, list[Any]]:
        """Chart data as plain lists, one entry per day so far."""
        h = self.history
        out: dict[str, list[Any]] = {"day": [r.day for r in h]}
        for label in LABELS:
            out[label] = [r.labels[label] for r in h]
        out["accepted"] = [list(r.accepted) for r in h]
        out["ok"] = [r.ok for r in h]
        out["failed"] = [r.failed for r in h]
        return out

    def failed_total(self) -> int:
        return sum(r.failed for r in self.history)

    def text_twin(self) -> str:
        r = self.history[-1]
        cur, prev = r.labels["AWSCURRENT"], r.labels["AWSPREVIOUS"]
        accepted = ", ".join(f"v{n}" for n in r.accepted) or "nothing"
        requests = sum(x.ok + x.failed for x in self.history)
        return (
            f"Day {r.day} of {self.last_day} ({self.strategy}, rotation every {self.rotation_days} days): "
            f"{len(self.versions)} version(s); AWSCURRENT on v{cur}"
            + (f", AWSPREVIOUS on v{prev}" if prev else "")
            + (f", AWSPENDING on v{r.labels['AWSPENDING']}" if r.labels["AWSPENDING"] else "")
            + f". The database accepts {accepted}. {self.rotations} rotation(s) completed; "
            f"{self.failed_total()} of {requests} application requests failed."
        )

    def snapshot(self) -> dict[str, Any]:
        r = self.history[-1]
        return {"day": r.day, "strategy": self.strategy, "versions": len(self.versions),
                "labels": dict(r.labels), "accepted": list(r.accepted), "failed": self.failed_total()}

    def __repr__(self) -> str:
        r = self.history[-1]
        return (f"RotationStepper(day={r.day}, strategy={self.strategy!r}, versions={len(self.versions)}, "
                f"current=v{r.labels['AWSCURRENT']}, failed={self.failed_total()})")
