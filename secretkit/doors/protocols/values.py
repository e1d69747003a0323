"""Scalars on the wire: timestamps, blobs, booleans and numbers in AWS's three spellings.

The same ``datetime`` travels as ``1764583200.5`` (epoch seconds, the JSON protocols'
default), ``2025-12-01T10:00:00.500Z`` (ISO 8601, the query protocol, query strings and
URI labels) or ``Mon, 01 Dec 2025 10:00:00 GMT`` (RFC 822, HTTP headers). A shape may name
its own format with the ``timestampFormat`` trait; :func:`timestamp_format` picks it.

Blobs are base64 text everywhere except a REST payload, which is the raw bytes.
Readers here raise ``ValueError`` with a message fit for the caller; each protocol turns it
into its own AWS error (``SerializationException``, ``ValidationError``, ...).
"""

from __future__ import annotations

import base64
import binascii
import email.utils
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "EPOCH",
    "format_timestamp",
    "from_base64",
    "parse_bool",
    "parse_timestamp",
    "timestamp_format",
    "to_base64",
    "to_bytes",
]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def timestamp_format(shape: Any, default: str) -> str:
    """The shape's ``timestampFormat`` trait, else the location's ``default``."""
    fmt = shape.serialization.get("timestampFormat") if shape is not None else None
    return str(fmt or default).lower()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _from_epoch(value: Decimal | float | int) -> datetime:
    seconds = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    whole = int(seconds.to_integral_value(rounding="ROUND_FLOOR"))
    micros = int(((seconds - whole) * 1_000_000).to_integral_value(rounding="ROUND_HALF_EVEN"))
    return EPOCH + timedelta(seconds=whole, microseconds=micros)


def parse_timestamp(value: Any) -> datetime:
    """A wire timestamp in any of AWS's spellings as an aware UTC ``datetime``.

    Servers are lenient in what they read: a number is epoch seconds, a string of digits
    too, otherwise ISO 8601 (``Z`` or an offset) or an RFC 822 date.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a timestamp, got {value!r}")
    if isinstance(value, (int, float, Decimal)):
        return _from_epoch(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a timestamp, got {value!r}")
    text = value.strip()
    try:
        return _from_epoch(Decimal(text))
    except (InvalidOperation, ValueError):
        pass
    try:
        return _utc(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return _utc(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{value!r} is not a timestamp (epoch seconds, ISO 8601 or RFC 822)") from None


def _coerce(value: Any) -> datetime:
    if isinstance(value, datetime):
        return _utc(value)
    return parse_timestamp(value)


def format_timestamp(value: Any, fmt: str) -> str | float:
    """``value`` (a ``datetime``, or anything :func:`parse_timestamp` reads) in format ``fmt``.

    Sub-second parts are kept: milliseconds when that is exact, as AWS writes them,
    otherwise microseconds.
    """
    moment = _coerce(value)
    if fmt == "unixtimestamp":
        # Always a number with a fraction, as AWS's JSON services send it (1.7961192E9), so
        # the AWS CLI v1, which prints it unparsed, shows 1796119200.0 here as there.
        whole = int((moment - EPOCH) // timedelta(seconds=1))
        return float(Decimal(whole) + Decimal(moment.microsecond) / 1_000_000)
    if fmt == "rfc822":
        return email.utils.format_datetime(moment.replace(microsecond=0), usegmt=True)
    if fmt != "iso8601":
        raise ValueError(f"unknown timestamp format {fmt!r}")
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond % 1000 == 0:
        return f"{text}.{moment.microsecond // 1000:03d}Z"
    return f"{text}.{moment.microsecond:06d}Z"


def to_bytes(value: Any) -> bytes:
    """A blob value as bytes: bytes as they are, text as UTF-8, a file-like object read."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):
        data = value.read()
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    raise TypeError(f"a blob must be bytes, str or a readable object, not {type(value).__name__}")


def to_base64(value: Any) -> str:
    """A blob as base64 text."""
    return base64.b64encode(to_bytes(value)).decode("ascii")


def from_base64(text: Any) -> bytes:
    """Base64 text back to bytes, strictly: bad characters or padding are an error."""
    if not isinstance(text, str):
        raise ValueError(f"expected base64 text, got {type(text).__name__}")
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{text[:40]!r} is not valid base64") from None


def parse_bool(text: str) -> bool:
    """``true``/``false`` (any case) as a bool."""
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(f"{text!r} is not a boolean (true or false)")
