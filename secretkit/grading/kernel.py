"""The kernel a submission runs in: ipykernel, started with the grader's limits in place.

The grader's kernelspec runs ``python -m secretkit.grading.kernel -f {connection_file}``.
Before ipykernel (and so before any of the student's code) starts, this module

* asks Linux to kill the kernel when the process that started it dies
  (``PR_SET_PDEATHSIG``), so a kernel is never left running after its grading run;
* caps the kernel's address space (``SECRETKIT_GRADING_MEMORY_MB``), so a runaway
  allocation ends in ``MemoryError`` or a dead kernel rather than a stalled machine;
* installs an audit hook (:pep:`578`) that refuses every Internet-family socket
  connection, datagram and name lookup made from Python. An audit hook cannot be removed
  from Python code once installed. It is the second line: where the machine allows it the
  grader also runs the whole submission in a network namespace of its own, which has no
  route anywhere (see :mod:`secretkit.grading.sandbox`).

A refused call raises ``PermissionError`` with :data:`NETWORK_REFUSED` in its message, so
the failing cell says why, and the grader notes the attempt.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

__all__ = ["NETWORK_REFUSED", "guard_network", "main"]

NETWORK_REFUSED = "network access is turned off while a submission is graded"
_LOCAL_NAMES = {None, "", "localhost", "127.0.0.1", "::1", b"localhost", b"127.0.0.1", b"::1"}
_INET = {socket.AF_INET, socket.AF_INET6}


def guard_network(event: str, args: tuple) -> None:
    """The audit hook: refuse outbound Internet sockets and look-ups of other hosts' names."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock = args[0]
        family = getattr(sock, "family", None)
        if family in _INET:
            address = args[1] if event != "socket.sendmsg" else "(sendmsg)"
            raise PermissionError(f"{NETWORK_REFUSED} (connect to {address!r})")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr"):
        host = args[0] if args else None
        if host not in _LOCAL_NAMES:
            raise PermissionError(f"{NETWORK_REFUSED} (look up {host!r})")


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_memory() -> None:
    megabytes = int(os.environ.get("SECRETKIT_GRADING_MEMORY_MB", "0") or 0)
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # not on POSIX
        return
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def main() -> None:
    """Apply the limits, then hand over to ipykernel with the given arguments."""
    _die_with_parent()
    _limit_memory()
    sys.addaudithook(guard_network)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
