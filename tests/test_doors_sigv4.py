"""SigV4 parsing and verification, one refusal at a time, and each refusal's code per protocol."""

from __future__ import annotations

import hashlib

import pytest

import _fake_backend as fake
from _raw_http import sign
from secretkit.doors.http.sigv4 import IssuedKey, SignatureFailure, parse_authorization, verify
from secretkit.doors.protocols import HttpRequest

URL = "http://127.0.0.1:4566"


def signed_request(body: bytes = b"{}", service: str = "secretsmanager", extra: dict[str, str] | None = None,
                   **signing: str) -> HttpRequest:
    headers = {"X-Amz-Target": "secretsmanager.ListSecrets", **(extra or {})}
    return HttpRequest.from_raw("POST", "/", sign("POST", URL + "/", headers, body, service, **signing), body)


def failure(request: HttpRequest, service: str = "secretsmanager") -> SignatureFailure:
    with pytest.raises(SignatureFailure) as caught:
        verify(request, fake.keys, service)
    return caught.value


def test_the_scope_gives_key_region_and_service() -> None:
    scope = parse_authorization(signed_request(region="ap-southeast-2"))
    assert (scope.access_key_id, scope.region, scope.service) == (fake.ACCESS_KEY, "ap-southeast-2", "secretsmanager")
    assert {"host", "x-amz-date", "x-amz-target"} <= set(scope.signed_headers)
    assert scope.amz_date[:8] == scope.date and len(scope.signature) == 64
    caller = verify(signed_request(region="ap-southeast-2"), fake.keys, "secretsmanager")
    assert (caller.region, caller.principal, caller.signed) == ("ap-southeast-2", "user/ana", True)


def test_a_date_header_stands_in_for_x_amz_date() -> None:
    request = signed_request()
    del request.headers["x-amz-date"]
    request.headers["date"] = "Tue, 01 Dec 2026 10:00:00 GMT"
    assert parse_authorization(request).amz_date == "20261201T100000Z"


def test_the_scope_date_must_be_the_signing_date() -> None:
    request = signed_request()
    request.headers["x-amz-date"] = "19990101T000000Z"
    refused = failure(request)
    assert refused.kind == "signature"
    assert refused.message.startswith("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP")


def test_a_body_changed_under_a_signed_payload_hash_is_caught() -> None:
    body = b'{"MaxResults": 1}'
    request = signed_request(body, extra={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    assert verify(request, fake.keys, "secretsmanager").access_key_id == fake.ACCESS_KEY
    request.body = b'{"MaxResults": 100}'  # the signature itself still matches: it covers the hash header
    assert failure(request).kind == "signature"


def test_session_tokens_must_match_the_issued_key() -> None:
    live = signed_request(key=fake.TEMP_KEY, secret=fake.TEMP_SECRET, token=fake.TEMP_TOKEN)
    assert verify(live, fake.keys, "secretsmanager").session_token == fake.TEMP_TOKEN
    assert failure(signed_request(key=fake.TEMP_KEY, secret=fake.TEMP_SECRET)).kind == "invalid"
    assert failure(signed_request(key=fake.TEMP_KEY, secret=fake.TEMP_SECRET, token="forged")).kind == "invalid"
    assert failure(signed_request(token="a-token-no-one-issued")).kind == "invalid"
    assert failure(signed_request(key=fake.EXPIRED_KEY, secret="old", token="old-token")).kind == "expired"


def test_a_wrong_secret_and_an_unknown_key_are_told_apart() -> None:
    assert failure(signed_request(secret="guess")).kind == "signature"
    assert failure(signed_request(key="AKIAUNKNOWN000000000")).kind == "invalid"


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("AWS4-HMAC-SHA256 Credential=A/20261201/eu-west-2/kms/aws4_request", "requires 'Signature' parameter"),
        ("AWS4-HMAC-SHA256 Credential=A/20261201/kms/aws4_request, SignedHeaders=host, Signature=ab", "Credential should be"),
        ("AWS4-HMAC-SHA256 Credential=A/20261201/eu-west-2/kms/aws4_request, SignedHeaders=x-amz-date, Signature=ab",
         "'Host' must be a 'SignedHeader'"),
        ("AWS4-HMAC-SHA256 Credential A/20261201", "not a valid key=value pair"),
        ("AWS4-ECDSA-P256-SHA256 Credential=A", "Unsupported AWS 'algorithm'"),
    ],
)
def test_malformed_headers_are_incomplete_signatures(header: str, words: str) -> None:
    request = HttpRequest.from_raw("POST", "/", {"Authorization": header, "X-Amz-Date": "20261201T100000Z", "Host": "h"})
    with pytest.raises(SignatureFailure) as caught:
        parse_authorization(request)
    assert caught.value.kind == "incomplete" and words in caught.value.message


def test_each_protocol_names_a_failure_its_own_way() -> None:
    invalid = SignatureFailure("invalid", "The security token included in the request is invalid.")
    assert (invalid.error("json").code, invalid.error("json").status) == ("UnrecognizedClientException", 400)
    assert (invalid.error("rest-json").code, invalid.error("rest-json").status) == ("UnrecognizedClientException", 403)
    assert (invalid.error("query").code, invalid.error("query").status) == ("InvalidClientTokenId", 403)
    mismatch = SignatureFailure("signature", "...")
    assert [mismatch.error(p).code for p in ("json", "query")] == ["InvalidSignatureException", "SignatureDoesNotMatch"]
    missing = SignatureFailure("missing", "Missing Authentication Token")
    assert [missing.error(p).code for p in ("json", "query")] == ["MissingAuthenticationTokenException", "MissingAuthenticationToken"]
    expired = SignatureFailure("expired", "The security token included in the request is expired")
    assert [expired.error(p).code for p in ("json", "query")] == ["ExpiredTokenException", "ExpiredToken"]
    assert IssuedKey("s").expired is False
