"""A genuine botocore client whose requests never leave the process, for codec tests.

Each call goes through everything botocore does against AWS: parameter building,
serialisation, SigV4 signing, response parsing and the ``after-call`` handlers. Two hooks
look in:

* ``before-call`` receives botocore's serialised request dict — the form an in-process door
  decodes — and the harness records it;
* ``before-send`` receives the finished, signed HTTP request — the bytes a server would
  read — records it, and answers with whatever HTTP response the test prepared, which
  botocore then parses as if it came from AWS.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from botocore.config import Config

from secretkit.doors.inprocess import pinned_session
from secretkit.doors.protocols import HttpRequest, HttpResponse

ACCESS_KEY = "AKIDEXAMPLE0000000001"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "eu-west-2"


class _Raw:
    """The little of a urllib3 response botocore reads from ``AWSResponse.raw``."""

    def __init__(self, body: bytes) -> None:
        self._stream = io.BytesIO(body)

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._stream.read()

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        return self._stream.read(*args)


class Harness:
    """One client of ``service``; set :attr:`respond` before a call, read what was captured after."""

    def __init__(self, service: str) -> None:
        self.client = pinned_session().create_client(
            service,
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )
        self.respond: Callable[[Any], HttpResponse] | None = None
        self.botocore_form: dict[str, Any] | None = None
        self.wire: HttpRequest | None = None
        self.sent: Any = None
        events = self.client.meta.events
        events.register("before-call", self._before_call)
        events.register("before-send", self._before_send)

    def _before_call(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.botocore_form = params
        return None

    def _before_send(self, request: Any, **_: Any) -> AWSResponse:
        self.sent = request
        headers = list(request.headers.items())
        if "host" not in {str(k).lower() for k, _ in headers}:
            headers.append(("Host", urlsplit(request.url).netloc))  # what urllib3 adds on sending
        self.wire = HttpRequest.from_raw(request.method, request.url, headers, request.body or b"")
        assert self.respond is not None, "set harness.respond before calling"
        response = self.respond(request)
        headers = {}
        for name, value in response.headers:
            headers[name] = value
        return AWSResponse(request.url, response.status, _HeaderMap(headers), _Raw(response.body))

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Make the call through botocore and return what boto3 would return."""
        self.botocore_form = self.wire = self.sent = None
        return self.client._make_api_call(operation, dict(params))


class _HeaderMap(dict):  # type: ignore[type-arg]
    """Response headers with case-insensitive lookup, as urllib3 gives them to botocore."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__({k.lower(): v for k, v in headers.items()})

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)
