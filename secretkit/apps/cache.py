"""A client-side cache of secret values, as AWS's caching library for Python keeps one.

:class:`SecretCache` follows aws-secretsmanager-caching: an item is refreshed with
``DescribeSecret`` once its refresh time has passed, the next refresh is drawn uniformly from
``[T/2, T]`` after now (T = ``refresh_interval``, an hour by default), and values are kept per
VersionId, so a refresh that finds the same AWSCURRENT version reads nothing. The staler the
cache, the longer a single-user rotation hurts an application that reads through it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..core.clock import SimClock

__all__ = ["SecretCache"]


class SecretCache:
    """A client-side cache of secret values, refreshed every ``[T/2, T]``."""

    def __init__(self, client: Any, clock: SimClock, rng: random.Random,
                 refresh_interval: timedelta = timedelta(hours=1)) -> None:
        if refresh_interval <= timedelta(0):
            raise ValueError("refresh_interval must be positive")
        self.client = client
        self.clock = clock
        self.rng = rng
        self.refresh_interval = refresh_interval
        self._current: dict[str, str] = {}  # secret id -> AWSCURRENT version id at the last refresh
        self._values: dict[tuple[str, str], str] = {}  # (secret id, version id) -> SecretString
        self._next_refresh: dict[str, datetime] = {}

    def get_secret_string(self, secret_id: str) -> tuple[str, str]:
        """The cached AWSCURRENT value and its VersionId, refreshing if due."""
        now = self.clock.now
        if secret_id not in self._current or now >= self._next_refresh[secret_id]:
            described = self.client.describe_secret(SecretId=secret_id)
            version = next(vid for vid, stages in described["VersionIdsToStages"].items() if "AWSCURRENT" in stages)
            self._current[secret_id] = version
            seconds = self.refresh_interval.total_seconds()
            self._next_refresh[secret_id] = now + timedelta(seconds=self.rng.uniform(seconds / 2, seconds))
        version = self._current[secret_id]
        key = (secret_id, version)
        if key not in self._values:
            self._values[key] = self.client.get_secret_value(SecretId=secret_id, VersionId=version)["SecretString"]
        return self._values[key], version

    def refresh_now(self, secret_id: str) -> None:
        """Forget the refresh time (what an application does after a failed login, if written well)."""
        self._next_refresh.pop(secret_id, None)
        self._current.pop(secret_id, None)
