"""Signature Version 4: who signed a request, for which region and service, and was it them.

An SDK signs every request with the caller's secret key and says so in one header::

    Authorization: AWS4-HMAC-SHA256
        Credential=AKIA.../20261201/eu-west-2/secretsmanager/aws4_request,
        SignedHeaders=content-type;host;x-amz-date;x-amz-target,
        Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7

plus ``X-Amz-Date`` (the signing time) and, for temporary credentials,
``X-Amz-Security-Token``. The *credential scope* names the access key id, the date, the
**region** and the **service**: the region the caller is talking to comes from here, since
against a local endpoint every region shares one URL. (With a custom endpoint botocore
signs IAM and STS with the configured region too, not ``us-east-1``; that is accepted.)

To check the signature the door asks an injected callable for the secret key issued with
that access key id, recomputes the signature over exactly the headers the caller signed
(botocore's ``SigV4Auth`` does the arithmetic) and compares. The failures, and the codes
each protocol gives them, are those AWS gives:

=================  ====================================  ===========================  ==========
failure            JSON 1.1 (400) / REST-JSON (403)      query (403 unless noted)     message
=================  ====================================  ===========================  ==========
no signature       MissingAuthenticationTokenException   MissingAuthenticationToken   see below
malformed header   IncompleteSignatureException          IncompleteSignature (400)    names the part
unknown key        UnrecognizedClientException           InvalidClientTokenId         token invalid
expired key        ExpiredTokenException                 ExpiredToken                 token expired
wrong signature    InvalidSignatureException             SignatureDoesNotMatch        AWS's text
=================  ====================================  ===========================  ==========

**No clock-skew check.** AWS refuses a signature more than 15 minutes from its own clock.
Here the Cloud's clock is simulated (a notebook may have advanced it by a year) while SDKs
sign with the wall clock, so comparing the two would reject every call after the first
``advance``; and reading the wall clock in the kit is what the kit never does. The door
checks instead that the scope's date is the date of ``X-Amz-Date``, as AWS also does.
Presigned URLs (the signature in the query string) are not accepted: none of the served
services' SDK calls use them.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..protocols.errors import AwsError
from ..protocols.wire import HttpRequest

__all__ = ["Caller", "IssuedKey", "KeyLookup", "SignatureFailure", "SignedScope", "parse_authorization", "verify"]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

_MESSAGES = {
    "invalid": "The security token included in the request is invalid.",
    "expired": "The security token included in the request is expired",
    "signature": (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    ),
}
# failure kind -> (JSON and REST-JSON code, query code, query status)
_CODES = {
    "missing": ("MissingAuthenticationTokenException", "MissingAuthenticationToken", 403),
    "incomplete": ("IncompleteSignatureException", "IncompleteSignature", 400),
    "invalid": ("UnrecognizedClientException", "InvalidClientTokenId", 403),
    "expired": ("ExpiredTokenException", "ExpiredToken", 403),
    "signature": ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
}


@dataclass(slots=True, frozen=True)
class IssuedKey:
    """What the key lookup knows about an access key id.

    ``session_token`` is set for temporary credentials (STS), and then the request must
    carry the same token. ``expired`` is the lookup's verdict against the Cloud's own
    clock. ``principal`` is whatever the backend wants back with the call (a user or
    role session); the door only passes it on.
    """

    secret_access_key: str
    session_token: str | None = None
    expired: bool = False
    principal: Any = None


KeyLookup = Callable[[str], "IssuedKey | None"]


@dataclass(slots=True, frozen=True)
class SignedScope:
    """The parts of a SigV4 ``Authorization`` header."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    session_token: str | None


@dataclass(slots=True, frozen=True)
class Caller:
    """Who made a call, as far as the door can tell: handed to the backend with every call.

    ``signed`` is false only for the operations AWS serves unsigned (STS
    ``AssumeRoleWithWebIdentity``, ``AssumeRoleWithSAML``); then there is no key at all.
    """

    access_key_id: str | None
    region: str | None
    session_token: str | None = None
    principal: Any = None
    signed: bool = True


class SignatureFailure(Exception):
    """A request whose signature the door refuses; :meth:`error` words it for a protocol."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def error(self, protocol: str) -> AwsError:
        """The AWS error for this failure in ``protocol`` (``json``, ``query``, ``rest-json``)."""
        json_code, query_code, query_status = _CODES[self.kind]
        if protocol == "query":
            return AwsError(query_code, self.message, status=query_status, sender_fault=True)
        return AwsError(json_code, self.message, status=400 if protocol == "json" else 403, sender_fault=True)


def _parts(text: str) -> dict[str, str]:
    fields = {}
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        key, eq, value = piece.partition("=")
        if not eq:
            raise SignatureFailure(
                "incomplete", f"'{piece}' not a valid key=value pair (missing equal-sign) in Authorization header: '{text}'."
            )
        fields[key.strip()] = value.strip()
    return fields


def _signing_time(request: HttpRequest) -> str | None:
    amz_date = request.header("x-amz-date")
    if amz_date:
        return amz_date.strip()
    date = request.header("date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).strftime("%Y%m%dT%H%M%SZ")
        except (TypeError, ValueError):
            return None
    return None


def parse_authorization(request: HttpRequest) -> SignedScope:
    """The SigV4 scope of ``request``; :class:`SignatureFailure` if it is missing or malformed."""
    header = request.header("authorization")
    if not header:
        raise SignatureFailure("missing", "Missing Authentication Token")
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SignatureFailure("incomplete", f"Unsupported AWS 'algorithm': '{algorithm}'.")
    fields = _parts(rest)
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    amz_date = _signing_time(request)
    if amz_date is None:
        problems.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if problems:
        raise SignatureFailure("incomplete", " ".join(problems) + f" Authorization={header}")
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        raise SignatureFailure(
            "incomplete",
            f"Credential should be <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request, not '{fields['Credential']}'.",
        )
    signed = tuple(name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip())
    if "host" not in signed:
        raise SignatureFailure("incomplete", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    assert amz_date is not None
    return SignedScope(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=signed,
        signature=fields["Signature"].lower(),
        amz_date=amz_date,
        session_token=request.header("x-amz-security-token"),
    )


@functools.cache
def _signer_class() -> type:
    """botocore's SigV4 signer, told to sign exactly the headers the caller listed."""
    from botocore.auth import SigV4Auth
    from botocore.compat import HTTPHeaders

    class ExactHeadersSigV4(SigV4Auth):  # type: ignore[misc]
        def __init__(self, credentials: Any, service: str, region: str, headers: list[tuple[str, str]]) -> None:
            super().__init__(credentials, service, region)
            self.exact_headers = headers

        def headers_to_sign(self, _request: Any) -> Any:
            chosen = HTTPHeaders()
            for name, value in self.exact_headers:
                chosen[name] = value
            return chosen

    return ExactHeadersSigV4


def _expected_signature(request: HttpRequest, scope: SignedScope, secret_key: str) -> str:
    """The signature the caller should have sent, computed with botocore's SigV4 implementation."""
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    host = request.headers.get("host", "localhost")
    url = f"http://{host}{request.path}" + (f"?{request.raw_query}" if request.raw_query else "")
    headers = {}
    payload_hash = request.headers.get("x-amz-content-sha256")
    if payload_hash and "x-amz-content-sha256" in scope.signed_headers:
        headers["X-Amz-Content-SHA256"] = payload_hash
    aws_request = AWSRequest(method=request.method, url=url, headers=headers, data=request.body)
    aws_request.context["timestamp"] = scope.amz_date
    signed = [(name, request.headers.get(name, "")) for name in scope.signed_headers]
    signer = _signer_class()(Credentials(scope.access_key_id, secret_key), scope.service, scope.region, signed)
    canonical = signer.canonical_request(aws_request)
    return str(signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))


def verify(request: HttpRequest, lookup: KeyLookup, signing_name: str) -> Caller:
    """Check ``request``'s SigV4 signature for the service signed as ``signing_name``.

    Returns the :class:`Caller`; raises :class:`SignatureFailure` otherwise. The checks run
    in the order that reveals least to a stranger: the header's form, the scope, the key,
    then the signature itself.
    """
    scope = parse_authorization(request)
    if scope.service != signing_name:
        raise SignatureFailure("signature", f"Credential should be scoped to correct service: '{signing_name}'. ")
    if scope.amz_date[:8] != scope.date:
        raise SignatureFailure(
            "signature",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{scope.date}' != '{scope.amz_date[:8]}', from '{scope.amz_date}'.",
        )
    issued = lookup(scope.access_key_id)
    if issued is None or (issued.session_token or None) != (scope.session_token or None):
        raise SignatureFailure("invalid", _MESSAGES["invalid"])
    if issued.expired:
        raise SignatureFailure("expired", _MESSAGES["expired"])
    payload_hash = request.header("x-amz-content-sha256")
    if payload_hash and payload_hash != UNSIGNED_PAYLOAD and payload_hash != hashlib.sha256(request.body).hexdigest():
        raise SignatureFailure("signature", _MESSAGES["signature"])
    expected = _expected_signature(request, scope, issued.secret_access_key)
    if not hmac.compare_digest(expected, scope.signature):
        raise SignatureFailure("signature", _MESSAGES["signature"])
    return Caller(
        access_key_id=scope.access_key_id,
        region=scope.region,
        session_token=scope.session_token,
        principal=issued.principal,
    )
