"""Hostile raw HTTP against a real Cloud's ``cloud.serve()``: AWS's error each time, the Cloud
unchanged, and the endpoint still serving everyone else.

Requests are made by hand (signed with botocore's SigV4 signer using the key the Cloud
issued, or deliberately not) so that each breaks one thing: the JSON, the target, the
Authorization header, the size, the pace.
"""

from __future__ import annotations

import json
import threading
import time
import warnings
from datetime import timedelta
from typing import Any

import boto3
import pytest

from _raw_http import json_call, raw_socket, send, sign
from secretkit import Cloud
from secretkit.doors.http import ExposedEndpointWarning


@pytest.fixture()
def served() -> Any:
    cloud = Cloud(seed=5)
    cloud.secretsmanager("eu-west-2").create_secret(Name="app/db", SecretString="s3cret")
    with cloud.serve(timeout=1.0, quiet=True) as serving:
        yield cloud, serving


def signing(serving: Any) -> dict[str, str]:
    return {"key": serving.access_key_id, "secret": serving.secret_access_key}


def still_serves(serving: Any) -> None:
    client = boto3.client("secretsmanager", endpoint_url=serving.endpoint_url, region_name="eu-west-2",
                          aws_access_key_id=serving.access_key_id, aws_secret_access_key=serving.secret_access_key)
    assert client.get_secret_value(SecretId="app/db")["SecretString"] == "s3cret"


def test_malformed_json_and_an_unknown_target_change_nothing(served: Any) -> None:
    cloud, serving = served
    before = len(cloud.events)
    broken = json_call(serving.endpoint_url, "secretsmanager.CreateSecret", b'{"Name": "x", ', "secretsmanager",
                       **signing(serving))
    assert (broken.status, broken.json()["__type"]) == (400, "SerializationException")
    mistyped = json_call(serving.endpoint_url, "secretsmanager.CreateSecret", b'{"Name": 5}', "secretsmanager",
                         **signing(serving))
    assert (mistyped.status, mistyped.json()["__type"]) == (400, "SerializationException")
    unknown = json_call(serving.endpoint_url, "secretsmanager.StealEverything", b"{}", "secretsmanager",
                        **signing(serving))
    assert (unknown.status, unknown.json()["__type"]) == (400, "UnknownOperationException")
    assert len(cloud.events) == before  # nothing reached the model
    assert [s["Name"] for s in cloud.secretsmanager("eu-west-2").list_secrets()["SecretList"]] == ["app/db"]
    still_serves(serving)


def test_missing_malformed_and_foreign_credentials_are_refused_before_the_model(served: Any) -> None:
    cloud, serving = served
    url = serving.endpoint_url
    before = len(cloud.events)
    target = {"X-Amz-Target": "secretsmanager.GetSecretValue", "Content-Type": "application/x-amz-json-1.1"}
    body = b'{"SecretId": "app/db"}'
    plain = send(url, "POST", "/", target, body)
    assert (plain.status, plain.json()["__type"]) == (400, "MissingAuthenticationTokenException")
    form = send(url, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=ListRoles&Version=2010-05-08")
    assert form.status == 403 and b"<Code>MissingAuthenticationToken</Code>" in form.body
    half = send(url, "POST", "/", {**target, "X-Amz-Date": "20260101T000000Z",
                                   "Authorization": f"AWS4-HMAC-SHA256 Credential={serving.access_key_id}/20260101/"
                                                    "eu-west-2/secretsmanager/aws4_request"}, body)
    assert (half.status, half.json()["__type"]) == (400, "IncompleteSignatureException")
    stranger = json_call(url, "secretsmanager.GetSecretValue", body, "secretsmanager", key="AKIAIOSFODNN7EXAMPLE",
                         secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert (stranger.status, stranger.json()["__type"]) == (400, "UnrecognizedClientException")
    wrong = json_call(url, "secretsmanager.GetSecretValue", body, "secretsmanager", key=serving.access_key_id,
                      secret="not-the-secret-the-cloud-issued")
    assert (wrong.status, wrong.json()["__type"]) == (400, "InvalidSignatureException")
    assert b"s3cret" not in plain.body + half.body + stranger.body + wrong.body
    assert len(cloud.events) == before
    still_serves(serving)


def test_a_deleted_key_stops_working_at_once(served: Any) -> None:
    cloud, serving = served
    iam = cloud.client("iam")
    iam.create_user(UserName="ana")
    iam.put_user_policy(UserName="ana", PolicyName="read", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="ana")["AccessKey"]
    creds = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    body = b'{"SecretId": "app/db"}'
    served_ok = json_call(serving.endpoint_url, "secretsmanager.GetSecretValue", body, "secretsmanager", **creds)
    assert served_ok.status == 200
    assert cloud.events.calls()[-1].principal == "arn:aws:iam::123456789012:user/ana"
    iam.delete_access_key(UserName="ana", AccessKeyId=key["AccessKeyId"])
    gone = json_call(serving.endpoint_url, "secretsmanager.GetSecretValue", body, "secretsmanager", **creds)
    assert (gone.status, gone.json()["__type"]) == (400, "UnrecognizedClientException")


def test_an_oversize_body_is_refused_unread_and_others_are_served(served: Any) -> None:
    cloud, serving = served
    body = b'{"Name": "big", "SecretString": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    headers = {"X-Amz-Target": "secretsmanager.CreateSecret", "Content-Type": "application/x-amz-json-1.1"}
    big = send(serving.endpoint_url, "POST", "/",
               sign("POST", serving.endpoint_url + "/", headers, body, "secretsmanager", **signing(serving)), body)
    assert big.status == 413
    assert big.json()["__type"] == "RequestEntityTooLargeException"
    assert "big" not in [s["Name"] for s in cloud.secretsmanager("eu-west-2").list_secrets()["SecretList"]]
    still_serves(serving)


def test_a_stalled_client_times_out_while_others_are_served(served: Any) -> None:
    _, serving = served
    with raw_socket(serving.endpoint_url) as stalled:
        stalled.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: secretsmanager.ListSecrets\r\n"
                        b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{\"Max")
        started = time.perf_counter()
        still_serves(serving)  # served while the stalled connection holds its own thread
        assert time.perf_counter() - started < 1.0
        answer = stalled.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"RequestTimeout" in answer
    still_serves(serving)


def test_the_clock_over_http_moves_the_clouds_own_clock(served: Any) -> None:
    cloud, serving = served
    start = cloud.clock.now
    read = send(serving.endpoint_url, "GET", "/_secretkit/clock", {})
    assert read.json() == {"now": start.isoformat()}
    moved = send(serving.endpoint_url, "POST", "/_secretkit/clock", {"Content-Type": "application/json"},
                 b'{"advance": {"days": 30, "hours": 2}}')
    assert moved.status == 200
    assert cloud.clock.now - start == timedelta(days=30, hours=2)
    assert moved.json() == {"now": cloud.clock.now.isoformat()}
    backwards = send(serving.endpoint_url, "POST", "/_secretkit/clock", {}, b'{"advance": {"days": -1}}')
    assert backwards.status == 400 and "only moves forward" in backwards.json()["error"]
    assert cloud.clock.now - start == timedelta(days=30, hours=2)


def test_serve_prints_what_a_terminal_needs_and_stop_leaves_no_thread(capsys: pytest.CaptureFixture[str]) -> None:
    before = set(threading.enumerate())
    cloud = Cloud(seed=5)
    serving = cloud.serve()
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"export AWS_ENDPOINT_URL={serving.endpoint_url}",
        f"export AWS_ACCESS_KEY_ID={serving.access_key_id} AWS_SECRET_ACCESS_KEY={serving.secret_access_key} "
        "AWS_DEFAULT_REGION=us-east-1",
    ]
    assert serving.access_key_id.startswith("AKIA") and len(serving.secret_access_key) == 40
    again = cloud.serve(quiet=True)  # a second endpoint of the same Cloud reuses the root user's key
    assert again.access_key_id == serving.access_key_id and again.endpoint_url != serving.endpoint_url
    with Cloud(seed=5).serve(quiet=True) as twin:
        assert twin.access_key_id == serving.access_key_id  # seeded: the same key
    assert any(t.name.startswith("secretkit-endpoint") for t in threading.enumerate())
    serving.stop()
    again.stop()
    assert set(threading.enumerate()) - before == set()


def test_another_host_than_loopback_warns() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        serving = Cloud().serve(host="0.0.0.0", quiet=True)
        serving.stop()
    assert any(issubclass(w.category, ExposedEndpointWarning) for w in caught)
