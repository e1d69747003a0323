"""The endpoint over raw HTTP: AWS's error for each broken request, and it keeps serving others.

Requests are made by hand (signed with botocore's SigV4 signer, or deliberately not) so
that each test can break one thing: the JSON, the target, the Authorization header, the
signature, the size, the pace. The clock path, unsigned operations, the host warning and
the no-thread-left-behind promise of ``stop()`` are here too.
"""

from __future__ import annotations

import threading
import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

import _fake_backend as fake
from _raw_http import json_call, raw_socket, send, sign
from secretkit.doors.http import Endpoint, ExposedEndpointWarning
from secretkit.doors.protocols import AwsError


@pytest.fixture()
def door() -> Any:
    backend = fake.FakeBackend()
    moments = [datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)]

    def clock(step: timedelta | None) -> datetime:
        if step is not None:
            moments[0] += step
        return moments[0]

    endpoint = Endpoint(backend, fake.keys, clock=clock, timeout=1.0).start()
    yield endpoint, backend
    endpoint.stop()


def client(endpoint: Endpoint, service: str, **extra: Any) -> Any:
    return boto3.client(service, endpoint_url=endpoint.endpoint_url, region_name="eu-west-2",
                        aws_access_key_id=fake.ACCESS_KEY, aws_secret_access_key=fake.SECRET_KEY, **extra)


def test_malformed_json_and_mistyped_members_are_serialization_exceptions(door: Any) -> None:
    endpoint, backend = door
    broken = json_call(endpoint.endpoint_url, "secretsmanager.GetSecretValue", b'{"SecretId": ', "secretsmanager")
    assert broken.status == 400 and broken.json()["__type"] == "SerializationException"
    mistyped = json_call(endpoint.endpoint_url, "secretsmanager.GetSecretValue", b'{"SecretId": 5}', "secretsmanager")
    assert mistyped.status == 400 and mistyped.json()["__type"] == "SerializationException"
    assert "SecretId" in mistyped.json()["message"]
    assert broken.headers["x-amzn-requestid"] != mistyped.headers["x-amzn-requestid"]
    assert backend.calls == []


def test_an_unknown_target_is_an_unknown_operation(door: Any) -> None:
    endpoint, backend = door
    unknown = json_call(endpoint.endpoint_url, "secretsmanager.StealEverything", b"{}", "secretsmanager")
    assert (unknown.status, unknown.json()["__type"]) == (400, "UnknownOperationException")
    foreign = json_call(endpoint.endpoint_url, "DynamoDB_20120810.ListTables", b"{}", "dynamodb")
    assert (foreign.status, foreign.json()["__type"]) == (400, "UnknownOperationException")
    assert backend.calls == []


def test_a_missing_authorization_header_is_refused_in_each_protocol(door: Any) -> None:
    url = door[0].endpoint_url
    plain = send(url, "POST", "/", {"X-Amz-Target": "secretsmanager.ListSecrets", "Content-Type": "application/x-amz-json-1.1"}, b"{}")
    assert (plain.status, plain.json()["__type"]) == (400, "MissingAuthenticationTokenException")
    form = send(url, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=ListUsers&Version=2010-05-08")
    assert form.status == 403 and b"<Code>MissingAuthenticationToken</Code>" in form.body
    rest = send(url, "GET", "/2015-03-31/functions/", {})
    assert (rest.status, rest.headers["x-amzn-errortype"]) == (403, "MissingAuthenticationTokenException")
    assert door[1].calls == []


def test_a_malformed_authorization_header_is_an_incomplete_signature(door: Any) -> None:
    url = door[0].endpoint_url
    headers = {"X-Amz-Target": "kms.ListKeys", "X-Amz-Date": "20261201T100000Z",
               "Authorization": f"AWS4-HMAC-SHA256 Credential={fake.ACCESS_KEY}/20261201/eu-west-2/kms/aws4_request"}
    headers["X-Amz-Target"] = "TrentService.ListKeys"
    answer = send(url, "POST", "/", headers, b"{}")
    assert (answer.status, answer.json()["__type"]) == (400, "IncompleteSignatureException")
    assert "requires 'Signature' parameter" in answer.json()["message"]
    assert "requires 'SignedHeaders' parameter" in answer.json()["message"]
    basic = send(url, "POST", "/", {**headers, "Authorization": "Basic YW5hOnB3"}, b"{}")
    assert basic.json()["__type"] == "IncompleteSignatureException"
    query = send(url, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded", "X-Amz-Date": "20261201T100000Z",
                                    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20261201/eu-west-2/iam/aws4_request"},
                 b"Action=ListUsers&Version=2010-05-08")
    assert query.status == 400 and b"<Code>IncompleteSignature</Code>" in query.body


def test_signature_scope_service_and_tampered_bodies_are_refused(door: Any) -> None:
    url = door[0].endpoint_url
    wrong_scope = json_call(url, "secretsmanager.ListSecrets", b"{}", "kms")
    assert wrong_scope.json() == {"__type": "InvalidSignatureException",
                                  "message": "Credential should be scoped to correct service: 'secretsmanager'. "}
    headers = sign("POST", url + "/", {"X-Amz-Target": "secretsmanager.ListSecrets"}, b"{}", "secretsmanager")
    tampered = send(url, "POST", "/", headers, b'{"MaxResults": 1}')
    assert (tampered.status, tampered.json()["__type"]) == (400, "InvalidSignatureException")
    assert door[1].calls == []


def test_oversized_bodies_get_awss_error_and_the_endpoint_keeps_serving(door: Any) -> None:
    endpoint, backend = door
    url = endpoint.endpoint_url
    big = b'{"SecretId": "' + b"x" * (1024 * 1024) + b'"}'
    too_big = json_call(url, "secretsmanager.GetSecretValue", big, "secretsmanager")
    assert (too_big.status, too_big.json()["__type"]) == (413, "RequestEntityTooLargeException")
    payload = b"0" * (6 * 1024 * 1024 + 1)
    path = "/2015-03-31/functions/rotate/invocations"
    invoke = send(url, "POST", path, sign("POST", url + path, {}, payload, "lambda"), payload)
    assert (invoke.status, invoke.headers["x-amzn-errortype"]) == (413, "RequestEntityTooLargeException")
    assert invoke.json()["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    form = b"Action=ListUsers&Version=2010-05-08&PathPrefix=" + b"a" * (1024 * 1024)
    query = send(url, "POST", "/", sign("POST", url + "/", {"Content-Type": "application/x-www-form-urlencoded"}, form, "iam"), form)
    assert query.status == 413 and b"<Code>RequestEntityTooLarge</Code>" in query.body
    assert backend.calls == []
    assert client(endpoint, "sts").get_caller_identity()["Account"] == fake.ACCOUNT


def test_a_stalled_client_times_out_without_blocking_others() -> None:
    backend = fake.FakeBackend()
    with Endpoint(backend, fake.keys, timeout=2.0) as endpoint:
        sm = client(endpoint, "secretsmanager")
        stalled = raw_socket(endpoint.endpoint_url)
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: secretsmanager.ListSecrets\r\nContent-Length: 100\r\n\r\n{")
        silent = raw_socket(endpoint.endpoint_url)  # connects and never says a word
        assert sm.list_secrets()["SecretList"] == []
        stalled.setblocking(False)
        with pytest.raises(BlockingIOError):
            stalled.recv(1)  # nothing yet: the call above was served while both clients stalled
        stalled.setblocking(True)
        answer = stalled.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408 ") and b'"__type":"RequestTimeout"' in answer
        assert silent.recv(1024) == b""  # closed after the timeout, no answer owed
        stalled.close()
        silent.close()
        assert [c[1] for c in backend.calls] == ["ListSecrets"]


def test_backend_failures_become_aws_faults(door: Any) -> None:
    endpoint, backend = door

    class ModelError(Exception):  # the duck shape of secretkit's own ClientError
        code, message, status = "ThrottlingException", "Rate exceeded", 400

    def failing(service: str, operation: str, params: dict[str, Any], caller: Any, region: str) -> Any:
        if operation == "ListSecrets":
            raise ModelError()
        raise RuntimeError("a bug in the model")

    endpoint.dispatcher.backend = failing
    throttled = json_call(endpoint.endpoint_url, "secretsmanager.ListSecrets", b"{}", "secretsmanager")
    assert (throttled.status, throttled.json()) == (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
    broken = json_call(endpoint.endpoint_url, "TrentService.ListKeys", b"{}", "kms")
    assert (broken.status, broken.json()["__type"]) == (500, "InternalFailure")
    path = "/2015-03-31/functions/"
    rest = send(endpoint.endpoint_url, "GET", path, sign("GET", endpoint.endpoint_url + path, {}, b"", "lambda"))
    assert (rest.status, rest.headers["x-amzn-errortype"]) == (500, "ServiceException")


def test_operations_aws_serves_unsigned_need_no_signature(door: Any) -> None:
    endpoint, backend = door
    backend.sts_AssumeRoleWithWebIdentity = lambda p, region: {"Provider": "accounts.example", "Audience": p["RoleArn"]}
    body = (b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fci"
            b"&RoleSessionName=ci&WebIdentityToken=eyJ")
    answer = send(endpoint.endpoint_url, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert answer.status == 200 and b"<Provider>accounts.example</Provider>" in answer.body
    caller, region = backend.calls[-1][3], backend.calls[-1][4]
    assert (caller.signed, caller.access_key_id, region) == (False, None, "us-east-1")


def test_query_calls_by_get_chunked_bodies_and_keep_alive(door: Any) -> None:
    url = door[0].endpoint_url
    target = "/?Action=GetCallerIdentity&Version=2011-06-15"
    by_get = send(url, "GET", target, sign("GET", url + target, {}, b"", "sts"))
    assert by_get.status == 200 and b"<Account>111122223333</Account>" in by_get.body
    body = b'{"SecretId": "none"}'
    headers = sign("POST", url + "/", {"X-Amz-Target": "secretsmanager.GetSecretValue"}, body, "secretsmanager")
    sock = raw_socket(url)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
    chunked = f"POST / HTTP/1.1\r\n{head}Transfer-Encoding: chunked\r\n\r\n".encode()
    chunked += b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    sock.sendall(chunked + chunked)  # two requests, one connection
    data = b""
    while data.count(b"HTTP/1.1 400") < 2:
        part = sock.recv(65536)
        assert part, data
        data += part
    sock.close()
    assert data.count(b"ResourceNotFoundException") == 2


def test_the_clock_path_reads_and_advances_simulated_time(door: Any) -> None:
    url = door[0].endpoint_url
    assert send(url, "GET", "/_secretkit/clock", {}).json() == {"now": "2026-12-01T10:00:00+00:00"}
    moved = send(url, "POST", "/_secretkit/clock", {"Content-Type": "application/json"}, b'{"advance": {"days": 30, "hours": 1.5}}')
    assert (moved.status, moved.json()) == (200, {"now": "2026-12-31T11:30:00+00:00"})
    for bad, words in [
        (b"", "JSON body"), (b"tomorrow", "not JSON"), (b'{"advance": {"weeks": 1}}', "weeks"),
        (b'{"advance": {"days": -1}}', "only moves forward"), (b'{"advance": {"days": true}}', "must be a number"),
        (b'{"advance": {}}', "'advance' must be"), (b'{"days": 1}', "one key, 'advance'"),
    ]:
        refused = send(url, "POST", "/_secretkit/clock", {}, bad)
        assert refused.status == 400 and words in refused.json()["error"], bad
    assert send(url, "PUT", "/_secretkit/clock", {}).status == 405
    assert send(url, "GET", "/_secretkit/clock", {}).json()["now"] == "2026-12-31T11:30:00+00:00"


def test_stop_leaves_no_thread_behind_even_with_idle_keep_alive_connections() -> None:
    before = set(threading.enumerate())
    endpoint = Endpoint(fake.FakeBackend(), fake.keys, timeout=30.0).start()
    sm = client(endpoint, "secretsmanager")
    sm.create_secret(Name="kept-alive", SecretString="x")  # boto3 keeps this connection open
    idle = raw_socket(endpoint.endpoint_url)
    started = time.monotonic()
    endpoint.stop()
    assert time.monotonic() - started < 5  # not the 30-second read timeout
    assert set(threading.enumerate()) - before == set()
    idle.close()
    with pytest.raises(Exception):
        sm.list_secrets()


def test_a_host_other_than_loopback_warns_and_loopback_does_not() -> None:
    with pytest.warns(ExposedEndpointWarning, match="anyone who can reach"):
        Endpoint(fake.FakeBackend(), fake.keys, host="0.0.0.0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Endpoint(fake.FakeBackend(), fake.keys, host="127.0.0.1")
        Endpoint(fake.FakeBackend(), fake.keys, host="localhost")


def test_modelled_error_statuses_reach_the_client(door: Any) -> None:
    endpoint, backend = door
    iam = client(endpoint, "iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException) as caught:
        iam.get_user(UserName="ghost")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert caught.value.response["Error"]["Type"] == "Sender"
    backend.users["ana"] = "/"
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException) as exists:
        iam.create_user(UserName="ana")
    assert exists.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert AwsError("X").status is None  # statuses come from the model unless the backend insists
