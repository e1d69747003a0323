"""No network from inside a function.

A function deployed here must never reach real AWS or anything else outside the model:
a boto3 client that somehow escaped the routing, an ``urllib`` call, a driver pointed at
a real host. While any function runs, a Python audit hook (PEP 578) refuses the socket
operations that reach out — ``connect``, ``bind``, ``sendto``/``sendmsg`` and name lookups
— with :class:`NetworkBlockedError`, an ``OSError``, so libraries report it the way they
report a network failure. Outside functions the hook does nothing.

Audit hooks see every socket opened through Python's :mod:`socket` module, which is
what ``urllib``, ``http.client``, ``urllib3``/botocore and pure-Python database drivers
use. A C library that opens its own sockets (libpq under ``psycopg``) is outside their
reach. The Cloud may let functions reach a named local address (the kit's own real
database) with :func:`allow`.

The hook is installed the first time a function runs (it cannot be removed again, so it
is kept trivially cheap when no function is running).
"""

from __future__ import annotations

import errno
import sys
from typing import Any

__all__ = ["NetworkBlockedError", "allow", "allowed", "install", "revoke", "set_active"]

_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)
_LOOPBACK_NAMES = {"localhost": ("127.0.0.1", "::1")}


class NetworkBlockedError(PermissionError):
    """A function tried to reach the network, which nothing inside the model may do."""

    def __init__(self, what: str) -> None:
        super().__init__(
            errno.EACCES,
            f"secretkit: a Lambda function cannot reach the network ({what} refused). "
            "boto3 clients made inside the function reach the Cloud without it.",
        )


class _State:
    active = 0  # how many invocations are running (nested ones count)
    installed = False
    allowed: set[tuple[str, int]] = set()


def install() -> None:
    """Install the audit hook once per process."""
    if not _State.installed:
        sys.addaudithook(_hook)
        _State.installed = True


def set_active(delta: int) -> None:
    """One more (``+1``) or one fewer (``-1``) function running."""
    _State.active += delta


def allow(host: str, port: int) -> None:
    """Let functions reach ``host:port`` (``localhost`` includes its loopback addresses)."""
    _State.allowed.add((host, int(port)))
    for address in _LOOPBACK_NAMES.get(host, ()):
        _State.allowed.add((address, int(port)))


def revoke(host: str, port: int) -> None:
    """Undo :func:`allow`."""
    _State.allowed.discard((host, int(port)))
    for address in _LOOPBACK_NAMES.get(host, ()):
        _State.allowed.discard((address, int(port)))


def allowed() -> frozenset[tuple[str, int]]:
    return frozenset(_State.allowed)


def _describe(event: str, args: tuple[Any, ...]) -> tuple[str, tuple[str, int] | None]:
    """What the event tries to reach, and the (host, port) it names if it names one."""
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        verb = event.split(".")[1]
        if isinstance(address, tuple) and len(address) >= 2:
            return f"{verb} to {address[0]}:{address[1]}", (str(address[0]), _port(address[1]))
        return f"{verb} to {address!r}", None
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        host = host.decode() if isinstance(host, bytes) else host
        return f"looking up {host}", (str(host), _port(port))
    return f"looking up {args[0] if args else '?'}", None


def _port(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _State.active or event not in _BLOCKED_EVENTS:
        return
    what, target = _describe(event, args)
    if target is not None and target in _State.allowed:
        return
    raise NetworkBlockedError(what)
