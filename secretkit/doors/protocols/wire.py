"""One HTTP request and one HTTP response, as the protocol codecs see them.

A request reaches the codecs in one of two forms, and both become the same
:class:`HttpRequest`:

* **raw HTTP**, as a server reads it off a socket: a method, a request target
  (``/path?query``), headers and body bytes (:meth:`HttpRequest.from_raw`);
* **botocore's serialised request dict**, which botocore's ``before-call`` event hands to
  an in-process door before any network is touched (:meth:`HttpRequest.from_botocore`):
  ``url_path``, ``query_string`` (a dict), ``headers``, ``method`` and ``body`` — bytes
  for the JSON protocols, and for the query protocol a dict of form fields that botocore
  would only URL-encode later.

The path is kept exactly as it came (still percent-encoded): REST-JSON matches URI
templates on it before decoding each label, and SigV4 signs it as sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .errors import AwsError

__all__ = ["HttpRequest", "HttpResponse", "encode_form", "parse_form"]


def parse_form(text: str) -> list[tuple[str, str]]:
    """Decode ``application/x-www-form-urlencoded`` text (``+`` is a space) into pairs."""
    return parse_qsl(text, keep_blank_values=True)


def _parse_query(text: str) -> list[tuple[str, str]]:
    """Decode a URL query string. REST services read ``+`` literally: SDKs send a space as ``%20``."""
    pairs = []
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def encode_form(fields: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """URL-encode form fields the way AWS SDKs do (space as ``%20``, ``~`` unescaped)."""
    items = fields.items() if isinstance(fields, Mapping) else fields
    return "&".join(f"{quote(str(k), safe='-_.~')}={quote(_text(v), safe='-_.~')}" for k, v in items)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _header_text(value: Any) -> str:
    """A header name or value as text; bytes are read as UTF-8, else Latin-1 (HTTP's own)."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value).decode("latin-1")
    return str(value)


def _body_bytes(body: Any) -> bytes:
    if type(body) is bytes:
        return body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        if hasattr(body, "seek"):
            body.seek(0)  # botocore may read it again (checksums, retries)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    # botocore with validation off hands over whatever the caller passed as a raw payload;
    # no HTTP client could send it, so no service would read it.
    raise AwsError("SerializationException", f"The request body could not be read (a {type(body).__name__}, not bytes).", status=400)


@dataclass(slots=True)
class HttpRequest:
    """An HTTP request: what every decoder reads.

    ``headers`` keys are lower-case (HTTP header names are case-insensitive); ``query``
    holds the decoded query-string pairs in order, ``raw_query`` the text as sent (SigV4
    signs it). ``form`` holds query-protocol fields: as botocore handed them over as a
    dict, or as :meth:`form_fields` parsed them from the query string and body.
    """

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    query: list[tuple[str, str]] = field(default_factory=list)
    raw_query: str = ""
    form: dict[str, str] | None = None

    @classmethod
    def from_raw(
        cls, method: str, target: str, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes = b""
    ) -> HttpRequest:
        """Build from a request line's method and target (``/path?query``), headers and body.

        A header sent twice is joined with commas, as HTTP allows.
        """
        items = headers.items() if isinstance(headers, Mapping) else headers
        joined: dict[str, str] = {}
        for name, value in items:
            key = _header_text(name).lower()
            text = _header_text(value)
            joined[key] = f"{joined[key]},{text}" if key in joined else text
        if "://" in target:  # an absolute-form target
            parts = urlsplit(target)
            path, raw_query = parts.path or "/", parts.query
        else:
            path, _, raw_query = target.partition("?")
        return cls(
            method=method.upper(),
            path=path or "/",
            headers=joined,
            body=_body_bytes(body),
            query=_parse_query(raw_query),
            raw_query=raw_query,
        )

    @classmethod
    def from_botocore(cls, request_dict: Mapping[str, Any]) -> HttpRequest:
        """Build from the dict botocore's serializer made (as ``before-call`` hands it over)."""
        url_path = str(request_dict.get("url_path") or "/")
        path, _, static_query = url_path.partition("?")
        pairs: list[tuple[str, str]] = _parse_query(static_query) if static_query else []
        query_string = request_dict.get("query_string") or {}
        if isinstance(query_string, str):
            pairs.extend(_parse_query(query_string))
        else:
            for key, value in dict(query_string).items():
                values = value if isinstance(value, (list, tuple)) else [value]
                pairs.extend((str(key), _text(v)) for v in values)
        # Every in-process call passes here: plain str headers (botocore's usual) skip _text.
        headers = {
            (k if type(k) is str else str(k)).lower(): v if type(v) is str else _text(v)
            for k, v in (request_dict.get("headers") or {}).items()
        }
        body = request_dict.get("body")
        form = None
        if isinstance(body, Mapping):
            form = {str(k): _text(v) for k, v in body.items()}
            body_bytes = encode_form(form).encode("utf-8")
        else:
            body_bytes = _body_bytes(body)
        raw_query = encode_form(pairs) if pairs else ""
        return cls(
            method=str(request_dict.get("method") or "POST").upper(),
            path=path or "/",
            headers=headers,
            body=body_bytes,
            query=pairs,
            raw_query=raw_query,
            form=form,
        )

    @staticmethod
    def body_of(body: Any) -> bytes:
        """A request body as bytes, from whatever botocore or a server holds it in."""
        return _body_bytes(body)

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header's value by case-insensitive name."""
        return self.headers.get(name.lower(), default)

    def form_fields(self) -> dict[str, str]:
        """Query-protocol fields: the URL's query pairs, then the form-encoded body's.

        AWS accepts query-protocol calls both as ``GET /?Action=...`` and as a form POST;
        a field given in both places takes the body's value.
        """
        if self.form is not None:
            return dict(self.form)
        fields = dict(self.query)
        self.form = fields  # parsed once: the codec reads them twice (operation, then input)
        content_type = (self.header("content-type") or "").lower()
        if self.body and (not content_type or "x-www-form-urlencoded" in content_type):
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                text = self.body.decode("latin-1")
            fields.update(parse_form(text))
        return dict(fields)


@dataclass(slots=True)
class HttpResponse:
    """An HTTP response a codec produced: status, headers (in order) and body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first header with this case-insensitive name, or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None
