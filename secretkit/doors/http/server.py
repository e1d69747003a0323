"""The endpoint: an HTTP server on 127.0.0.1 that speaks AWS's protocols for an injected backend.

    endpoint = Endpoint(backend, keys, clock=clock).start()
    endpoint.endpoint_url          # 'http://127.0.0.1:49731'
    ...                             # aws --endpoint-url ... secretsmanager list-secrets
    endpoint.stop()                 # joins every thread it started

It is the standard library's ``http.server`` with one thread per connection
(``ThreadingMixIn``): nothing to install, HTTP/1.1 keep-alive for SDK connection pools, and
calls small and fast enough that threads are no cost. (A framework would add a
dependency, and an ASGI server an event loop, for no gain here.)

What it guards against:

* **slow clients** — every read on a connection has a ``timeout`` (seconds). A client that
  sends headers and then stalls gets ``408 RequestTimeout`` and is disconnected; it only
  ever holds its own thread, so others are served meanwhile;
* **oversized bodies** — the body limit (see :mod:`.routing`) is checked against
  ``Content-Length`` before the body is read; the answer is AWS's
  ``RequestEntityTooLargeException`` (413);
* **exposure** — it listens on 127.0.0.1 unless given another host, and then warns
  (:class:`ExposedEndpointWarning`): whoever reaches the port can use the Cloud's keys
  and secrets.

``stop()`` stops accepting, wakes idle keep-alive connections, lets calls in progress
finish, and joins every thread, so a test can assert no thread is left behind.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
import threading
import warnings
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any

from ..protocols.errors import AwsError
from ..protocols.wire import HttpRequest, HttpResponse
from .clockapi import ClockControl
from .dispatch import Backend, Dispatcher, Plan, Unreachable
from .routing import error_codec, guess_protocol, too_large
from .sigv4 import KeyLookup

__all__ = ["Endpoint", "ExposedEndpointWarning"]

log = logging.getLogger("secretkit.doors.http")

DRAIN_LIMIT = 64 * 1024 * 1024  # an oversized body up to this size is read and dropped, so the client hears the 413
TIMEOUT_MESSAGE = "Your socket connection to the server was not read from or written to within the timeout period."


class ExposedEndpointWarning(UserWarning):
    """The endpoint listens on an address other machines may reach."""


class _BodyTooLarge(Exception):
    pass


class _BadBody(Exception):
    pass


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _safe_header(value: str) -> str:
    # No CR or LF may reach the header block, and http.server writes Latin-1.
    cleaned = value.replace("\r", " ").replace("\n", " ")
    return cleaned.encode("utf-8").decode("latin-1")


def _end_reads(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RD)
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "secretkit"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        self.timeout = self.server.endpoint.timeout
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)

    def _serve(self) -> None:
        dispatcher = self.server.endpoint.dispatcher
        head = HttpRequest.from_raw(self.command, self.path, list(self.headers.items()), b"")
        plan = dispatcher.plan(head)
        try:
            body = self._read_body(plan.limit)
        except _BodyTooLarge:
            codec = plan.codec or error_codec(guess_protocol(head))
            response = dispatcher.fault(head, too_large(codec, plan.operation, plan.limit), plan)
            self.close_connection = True
        except TimeoutError:
            response = dispatcher.fault(head, AwsError("RequestTimeout", TIMEOUT_MESSAGE, status=408), plan)
            self.close_connection = True
        except _BadBody as exc:
            response = dispatcher.fault(head, AwsError("BadRequest", str(exc), status=400), plan)
            self.close_connection = True
        else:
            try:
                response = dispatcher.handle(dataclasses.replace(head, body=body, form=None), plan)
            except Unreachable:  # the region is down: no answer at all, as from a dead endpoint
                self.close_connection = True
                return
        self._write(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def _read_body(self, limit: int) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked(limit)
        text = self.headers.get("Content-Length")
        if text is None:
            return b""
        try:
            length = int(text)
        except ValueError:
            raise _BadBody(f"Content-Length {text!r} is not a number") from None
        if length < 0:
            raise _BadBody("Content-Length is negative")
        if length > limit:
            if length <= DRAIN_LIMIT:
                self._discard(length)
            raise _BodyTooLarge()
        body = self.rfile.read(length)
        if len(body) != length:
            raise _BadBody(f"the body ended after {len(body)} of {length} bytes")
        return body

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)

    def _read_chunked(self, limit: int) -> bytes:
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadBody("a chunk size is not hexadecimal") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > limit:
                raise _BodyTooLarge()
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _write(self, response: HttpResponse) -> None:
        # One send for status line, headers and body: split writes meet the client's
        # delayed ACK and cost 40 ms a call.
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        lines = [f"{self.protocol_version} {response.status} {phrase}", f"Server: {self.version_string()}",
                 f"Date: {self.date_time_string()}"]
        lines.extend(f"{name}: {_safe_header(value)}" for name, value in response.headers)
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + response.body)
        self.log_request(response.status)


class _Server(ThreadingMixIn, HTTPServer):
    daemon_threads = False  # stop() joins them
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = False
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            stopping = self._stopping
        if stopping:  # accepted in the loop's last turn: end it like the others
            _end_reads(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def wake_idle_connections(self) -> None:
        """End the read side of every open connection: idle keep-alives see EOF and close."""
        with self._lock:
            self._stopping = True
            connections = list(self._connections)
        for connection in connections:
            _end_reads(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class Endpoint:
    """An AWS-compatible HTTP endpoint for an injected backend.

    ``backend`` serves the calls (see :mod:`.dispatch`), ``keys`` maps an access key id to
    its :class:`~.sigv4.IssuedKey`, ``clock`` (optional) reads and advances simulated time
    for ``/_secretkit/clock``. ``port=0`` picks a free port; ``timeout`` bounds every read
    on a connection, in seconds.
    """

    def __init__(
        self,
        backend: Backend,
        keys: KeyLookup,
        *,
        clock: ClockControl | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 30.0,
        request_ids: Callable[[], str] | None = None,
        default_region: str = "us-east-1",
    ) -> None:
        if not _is_loopback(host):
            warnings.warn(
                f"the endpoint will listen on {host!r}: anyone who can reach that address can use this "
                "Cloud's keys and read its secrets. Use it only on a network you trust.",
                ExposedEndpointWarning,
                stacklevel=2,
            )
        self.host = host
        self.timeout = timeout
        self.dispatcher = Dispatcher(backend, keys, clock=clock, request_ids=request_ids, default_region=default_region)
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the endpoint is not started")
        return int(self._server.server_address[1])

    @property
    def endpoint_url(self) -> str:
        """The URL clients use, e.g. ``http://127.0.0.1:4566``."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def start(self) -> Endpoint:
        """Listen and serve in a background thread; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("the endpoint is already started")
        self._server = _Server((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"secretkit-endpoint-{self.port}"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join every thread the endpoint started."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.wake_idle_connections()
        server.server_close()  # joins the connection threads
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Endpoint:
        return self.start() if self._server is None else self

    def __exit__(self, *_: Any) -> None:
        self.stop()
