"""Credentials: access keys and session tokens with AWS's shapes, and turning them back
into the principal that owns them, with each protocol's errors.

Shapes (all drawn from the Cloud's seeded ids, so a seeded run hands out the same keys):

* long-term access key ids ``AKIA`` + 16 characters, temporary ones ``ASIA`` + 16, secret
  keys 40 characters;
* unique ids ``AIDA...`` (users), ``AROA...`` (roles), ``ANPA...`` (managed policies), 21
  characters;
* session tokens: an opaque base-64 string, valid until the session's expiry on the
  simulated clock.

:func:`resolve` answers, for credentials a request carried, the caller they belong to, or
raises what AWS answers: an unknown (or deleted) key id, or a session token that does not
belong to the key, gives ``UnrecognizedClientException`` (JSON services, HTTP 400),
``InvalidClientTokenId`` (IAM/STS, 403) or Lambda's 403 ``UnrecognizedClientException``,
all saying ``The security token included in the request is invalid``; an expired session
gives ``ExpiredTokenException`` / ``ExpiredToken``; a wrong secret key gives
``InvalidSignatureException`` / ``SignatureDoesNotMatch``.
"""

from __future__ import annotations

import string
from datetime import datetime
from typing import Mapping, Union

from .bridge import Ids, protocol_error, protocol_of
from .principals import AccessKey, Caller, Session

__all__ = [
    "INVALID_TOKEN",
    "EXPIRED_TOKEN",
    "BAD_SIGNATURE",
    "access_key_id",
    "resolve",
    "secret_key",
    "session_token",
    "unique_id",
]

_ID_CHARS = string.ascii_uppercase + "234567"
_SECRET_CHARS = string.ascii_letters + string.digits + "+/"
_TOKEN_CHARS = string.ascii_letters + string.digits + "+/"

INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)

KeyOwner = Union[AccessKey, Session]


def _draw(ids: Ids, chars: str, n: int) -> str:
    return "".join(ids.rng.choice(chars) for _ in range(n))


def unique_id(ids: Ids, prefix: str) -> str:
    """``AIDA`` + 17 characters (or ``AROA``, ``ANPA``...): an IAM unique id."""
    return prefix + _draw(ids, _ID_CHARS, 17)


def access_key_id(ids: Ids, temporary: bool = False) -> str:
    """``AKIA...`` (a user's key) or ``ASIA...`` (a session's), 20 characters."""
    return ("ASIA" if temporary else "AKIA") + _draw(ids, _ID_CHARS, 16)


def secret_key(ids: Ids) -> str:
    """A 40-character secret access key."""
    return _draw(ids, _SECRET_CHARS, 40)


def session_token(ids: Ids) -> str:
    """An opaque session token (what AWS returns is longer; its length means nothing)."""
    return "IQoJb3JpZ2luX2VjE" + _draw(ids, _TOKEN_CHARS, 199)


def _invalid(service: str) -> Exception:
    return protocol_error("unknown-key", protocol_of(service), INVALID_TOKEN)


def resolve(
    keys: Mapping[str, KeyOwner],
    access_key_id: object,
    secret_access_key: object = None,
    session_token: object = None,
    *,
    service: str,
    now: datetime,
) -> Caller:
    """The caller owning these credentials, or the AWS error ``service`` would answer.

    ``keys`` maps access key ids to their owner (the directory's index). The secret key is
    compared only when given: a door that verified a signature has already checked it.
    """
    owner = keys.get(access_key_id) if isinstance(access_key_id, str) else None
    if owner is None:
        raise _invalid(service)
    protocol = protocol_of(service)
    if isinstance(owner, Session):
        if session_token is None or session_token != owner.token:
            raise _invalid(service)
        if now >= owner.expires:
            raise protocol_error("expired", protocol, EXPIRED_TOKEN)
        if secret_access_key is not None and secret_access_key != owner.secret:
            raise protocol_error("bad-signature", protocol, BAD_SIGNATURE)
        return owner
    if session_token is not None or owner.status != "Active":
        raise _invalid(service)
    if secret_access_key is not None and secret_access_key != owner.secret:
        raise protocol_error("bad-signature", protocol, BAD_SIGNATURE)
    return owner.owner
