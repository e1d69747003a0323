"""The two strategies of AWS's pre-built rotation functions, for every engine.

* **Single user** (:class:`SingleUser`): the user changes its own password. Between setSecret
  and finishSecret the database accepts only the pending password while ``AWSCURRENT`` still
  holds the old one: new logins with ``AWSCURRENT`` fail in that window.
* **Alternating users** (:class:`AlternatingUsers`): two users, ``app`` and ``app_clone``.
  Each rotation re-passwords the one that is *not* current, logged in as the master user
  named by ``masterarn``; the user clients hold keeps working throughout.

The database work goes through a connector (see :mod:`secretkit.databases.connector`), so the
same steps drive a simulated engine or a real PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from .base import RotationFunction

__all__ = ["ENGINE_FAMILIES", "USERNAME_LIMITS", "AlternatingUsers", "SingleUser", "alternate_username"]

ENGINE_FAMILIES: dict[str, tuple[str, ...]] = {
    "postgres": ("postgres", "aurora-postgresql"),
    "mysql": ("mysql", "aurora-mysql"),
    "mariadb": ("mariadb",),  # AWS's MariaDB templates accept only "mariadb"
    "redshift": ("redshift",),
    "docdb": ("docdb",),
}
USERNAME_LIMITS = {"postgres": 63, "aurora-postgresql": 63, "mysql": 16, "aurora-mysql": 16, "mariadb": 16, "redshift": 127, "docdb": 63}


def alternate_username(username: str, engine: str) -> str:
    """``app`` <-> ``app_clone``, refusing a name longer than the engine allows."""
    new = username[: -len("_clone")] if username.endswith("_clone") else username + "_clone"
    limit = USERNAME_LIMITS.get(engine, 63)
    if len(new) > limit:
        raise ValueError(f"Unable to clone user, username length with _clone appended would exceed {limit} characters")
    return new


class SingleUser(RotationFunction):
    """Single-user rotation: the user changes its own password."""

    def set_secret(self, client: Any, arn: str, token: str) -> None:
        try:
            previous: dict[str, Any] | None = self.secret_dict(client, arn, "AWSPREVIOUS")
        except (client.exceptions.ResourceNotFoundException, KeyError):
            # As AWS's templates do: an older version without connection keys (written before a
            # SecretTargetAttachment added them) is simply not a fallback.
            previous = None
        current = self.secret_dict(client, arn, "AWSCURRENT")
        pending = self.secret_dict(client, arn, "AWSPENDING", token)
        conn = self.connect(pending)
        if conn is not None:  # already done by an earlier attempt
            conn.close()
            return
        if current["username"] != pending["username"]:
            raise ValueError(f"Attempting to modify user {pending['username']} other than current user {current['username']}")
        if current["host"] != pending["host"]:
            raise ValueError(f"Attempting to modify user for host {pending['host']} other than current host {current['host']}")
        conn = self.connect(current)
        if conn is None and previous is not None:
            # Someone moved AWSCURRENT without changing the database: the previous value still logs in.
            if previous["username"] != pending["username"] or previous["host"] != pending["host"]:
                raise ValueError("AWSPREVIOUS names another user or host than AWSPENDING")
            conn = self.connect(previous)
        if conn is None:
            raise ValueError(f"Unable to log into database with previous, current, or pending secret of secret arn {arn}")
        with conn:
            conn.set_password(pending["username"], pending["password"])


class AlternatingUsers(RotationFunction):
    """Alternating-users rotation: the master user re-passwords the user that is not current."""

    def next_credentials(self, client: Any, current: dict[str, Any]) -> dict[str, Any]:
        if "masterarn" not in current:
            raise KeyError("masterarn key is missing from secret JSON")
        pending = dict(current)
        pending["username"] = alternate_username(current["username"], current["engine"])
        pending["password"] = self.new_password(client)
        return pending

    def set_secret(self, client: Any, arn: str, token: str) -> None:
        current = self.secret_dict(client, arn, "AWSCURRENT")
        pending = self.secret_dict(client, arn, "AWSPENDING", token)
        conn = self.connect(pending)
        if conn is not None:
            conn.close()
            return
        if pending["username"] != alternate_username(current["username"], current["engine"]):
            raise ValueError(f"Attempting to modify user {pending['username']} other than the clone of {current['username']}")
        if current["host"] != pending["host"]:
            raise ValueError(f"Attempting to modify user for host {pending['host']} other than current host {current['host']}")
        conn = self.connect(current)
        if conn is None:
            # The confused-deputy guard: never use the master for a secret whose own credentials fail.
            raise ValueError(f"Unable to log into database using current credentials for secret {arn}")
        conn.close()
        master = self.secret_dict(client, current["masterarn"], "AWSCURRENT")
        if master["host"] != current["host"]:
            raise ValueError(f"Current database host {current['host']} is not the same host as/rds replica of master {master['host']}")
        conn = self.connect(master)
        if conn is None:
            raise ValueError(f"Unable to log into database using credentials in master secret {current['masterarn']}")
        with conn:
            conn.create_role_like(pending["username"], current["username"], pending["password"])
