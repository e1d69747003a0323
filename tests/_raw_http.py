"""Hand-made HTTP requests for the door's tests, signed (or deliberately not) with SigV4.

botocore's ``SigV4Auth`` signs them, as any SDK would; the tests then bend one part at a
time (the body, a header, the key) to see each refusal.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import _fake_backend as fake


def sign(method: str, url: str, headers: dict[str, str], body: bytes, service: str, region: str = "eu-west-2",
         key: str = fake.ACCESS_KEY, secret: str = fake.SECRET_KEY, token: str | None = None) -> dict[str, str]:
    """``headers`` plus ``Authorization``, ``X-Amz-Date`` (and a session token) for this request."""
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    request.headers["Host"] = urlsplit(url).netloc
    SigV4Auth(Credentials(key, secret, token), service, region).add_auth(request)
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def send(base_url: str, method: str, path: str, headers: dict[str, str], body: bytes = b"",
         timeout: float = 10.0) -> Response:
    """One request on a fresh connection."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return Response(answer.status, dict(answer.getheaders()), answer.read())
    finally:
        connection.close()


def json_call(base_url: str, target: str, body: bytes, service: str, **signing: Any) -> Response:
    """A signed JSON 1.1 call (``target`` like ``secretsmanager.GetSecretValue``)."""
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    return send(base_url, "POST", "/", sign("POST", base_url + "/", headers, body, service, **signing), body)


def raw_socket(base_url: str, timeout: float = 10.0) -> socket.socket:
    """A plain TCP connection to the endpoint, for clients that misbehave on purpose."""
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
