"""Pre-built rotation functions, written like AWS's templates, and a template for students.

The four-step logic is the same for every engine; what touches the database goes through a
*connector*: ``connector.connect(secret_dict)`` returns a connection (or ``None`` when the
login is refused) with ``set_password(user, pw)``, ``role_exists(user)``,
``create_role_like(new, like, pw)``, ``test_login()`` and ``close()``. The simulated engines
provide :class:`secretkit.databases.SimConnector`; a real PostgreSQL,
:class:`secretkit.databases.psycopg_connector.PsycopgConnector`. The full contract is in
:mod:`secretkit.databases.connector`.

>>> fn = rotation_function("postgres", "alternating-users", connector)   # doctest: +SKIP
>>> arn = cloud.register_function("rotate-app", fn)                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from .base import EXCLUDE_CHARACTERS, FailurePlan, InjectedFailure, RotationFunction
from .strategies import (
    ENGINE_FAMILIES,
    AlternatingUsers,
    SingleUser,
    alternate_username,
)
from .template import StudentTemplate

__all__ = [
    "ENGINE_FAMILIES",
    "EXCLUDE_CHARACTERS",
    "STRATEGIES",
    "AlternatingUsers",
    "FailurePlan",
    "InjectedFailure",
    "RotationFunction",
    "SingleUser",
    "StudentTemplate",
    "alternate_username",
    "rotation_function",
]

STRATEGIES = {"single-user": SingleUser, "alternating-users": AlternatingUsers}


def rotation_function(engine: str, strategy: str, connector: Any, *, client: Any = None,
                      failures: FailurePlan | None = None) -> RotationFunction:
    """The pre-built function for ``engine`` (postgres, aurora-postgresql, mysql, aurora-mysql,
    redshift, docdb) and ``strategy`` ("single-user" or "alternating-users")."""
    family = next((name for name, members in ENGINE_FAMILIES.items() if engine in members), None)
    if family is None:
        raise ValueError(f"no pre-built rotation function for engine {engine!r}")
    cls = STRATEGIES.get(strategy)
    if cls is None:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    function = cls(connector, client=client, failures=failures)
    function.engines = ENGINE_FAMILIES[family]
    return function
