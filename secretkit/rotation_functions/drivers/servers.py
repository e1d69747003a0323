"""Where the kit's stand-in drivers find the simulated servers, and how they log in.

A function's code asks its driver for ``host``; the driver asks here. The simulated servers
live in the Cloud's database directory (:mod:`secretkit.databases`), which the Lambda
runtime hands the running function as part of its network (:mod:`secretkit.awslambda.network`).
So a driver works inside a function deployed to the Cloud, and says plainly that it does not
anywhere else.
"""

from __future__ import annotations

from ...awslambda.network import reach
from ...databases.engine import AuthenticationFailed, Database, Session, Unreachable

__all__ = ["AuthenticationFailed", "Unreachable", "log_in", "server"]


def server(host: object) -> Database:
    """The simulated server answering at ``host`` (raises :class:`Unreachable` if none does)."""
    if not isinstance(host, str) or not host:
        raise Unreachable(f"could not translate host name {host!r} to address")
    return reach("databases").get(host)  # type: ignore[no-any-return]


def log_in(host: object, port: object, user: object, password: object, engines: tuple[str, ...]) -> Session:
    """Open an authenticated session, as the driver's ``connect`` does.

    ``engines`` are the engines this driver speaks to; a server of another engine answers
    as a real one would to the wrong protocol: it cannot be reached.
    """
    database = server(host)
    if database.engine.name not in engines:
        raise Unreachable(f"server at {host} is {database.engine.name}, which this driver does not speak to")
    if port is not None and str(port) != str(database.port):
        raise Unreachable(f"could not connect to server at {host}:{port}: connection refused")
    if not isinstance(user, str) or not isinstance(password, str):
        raise AuthenticationFailed(f'password authentication failed for user "{user}"')
    return database.connect(user, password)

