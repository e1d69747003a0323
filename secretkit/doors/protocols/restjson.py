"""The REST-JSON protocol: Lambda.

Here the HTTP request itself carries the operation. Each operation has a method and a URI
template (``POST /2015-03-31/functions/{FunctionName}/invocations``), and each input
member a *location*: a URI label (percent-encoded, so ``my-fn:live`` arrives as
``my-fn%3Alive``), a query-string key, a header (``X-Amz-Invocation-Type``), or the body.
A shape may name one member its *payload*: for ``Invoke`` that is ``Payload``, sent as the
raw body bytes with no JSON around them; otherwise the body is a JSON object of the
members that have no location.

Responses mirror this: the status code comes from the model (``201`` for
``CreateFunction``) or from a ``statusCode`` member (Invoke's ``StatusCode``), header
members become headers (``X-Amz-Function-Error``, ``X-Amz-Log-Result``), and the payload
member is the body. Errors carry the code in the ``x-amzn-ErrorType`` header and a JSON
body ``{"Type": "User", "Message": "..."}``, with the status the model gives the error.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import unquote

from ...core.checks import loads_json
from .errors import AwsError
from .jsonvalues import BadText, ShapeError, decode_value, dumps, encode_value, loads
from .models import error_shape, message_member, resolve_error, service_model
from .values import format_timestamp, parse_bool, parse_timestamp, timestamp_format, to_bytes
from .wire import HttpRequest, HttpResponse

__all__ = ["RestJsonCodec", "split_header_list"]

CONTENT_TYPE = "application/json"
_LABEL = re.compile(r"\{([^}]+)\}")


class _Route:
    """One operation's method, compiled URI template and static query keys."""

    def __init__(self, name: str, method: str, uri: str) -> None:
        self.name = name
        self.method = method.upper()
        path, _, static = uri.partition("?")
        self.static_query = [pair.partition("=")[::2] for pair in static.split("&") if pair]
        pattern, self.labels, pos = [], [], 0
        for match in _LABEL.finditer(path):
            pattern.append(re.escape(path[pos : match.start()]))
            label = match.group(1)
            greedy = label.endswith("+")
            self.labels.append(label.rstrip("+"))
            pattern.append(f"(?P<g{len(self.labels)}>{'.+' if greedy else '[^/]+'})")
            pos = match.end()
        # A trailing slash is optional, as the models differ from SDK to SDK on it.
        pattern.append(re.escape(path[pos:].rstrip("/")) + "/?")
        self.regex = re.compile("".join(pattern) + r"\Z")
        # Prefer the most literal template, then the one that demands static query keys.
        self.rank = (-len(_LABEL.sub("", path)), -len(self.static_query), len(self.labels))

    def match(self, request: HttpRequest) -> dict[str, str] | None:
        found = self.regex.match(request.path)
        if found is None:
            return None
        present = dict(request.query)
        for key, value in self.static_query:
            if key not in present or (value and present[key] != value):
                return None
        return {label: unquote(found.group(f"g{i}")) for i, label in enumerate(self.labels, 1)}


def split_header_list(text: str) -> list[str]:
    """A list header (``a, "b,c", d``) split on commas outside double quotes."""
    items, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def _text_value(shape: Any, text: str, where: str) -> Any:
    """A label, query-string or header value read as the member's type."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return parse_bool(text)
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return loads_json(base64.b64decode(text))
    return text


def _header_text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, "rfc822")))
    if kind == "list":
        parts = []
        for item in value:
            text = _header_text(shape.member, item)
            parts.append('"' + text.replace('"', '\\"') + '"' if ("," in text or '"' in text) else text)
        return ",".join(parts)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value, separators=(",", ":")).encode("utf-8")).decode("ascii")
    if kind == "blob":
        return base64.b64encode(to_bytes(value)).decode("ascii")
    return str(value)


def _write_located(shape: Any, value: dict[str, Any], headers: list[tuple[str, str]]) -> int | None:
    """Append ``value``'s header members to ``headers``; return a ``statusCode`` member's value."""
    status = None
    for name, member in shape.members.items():
        item = value.get(name)
        location = member.serialization.get("location")
        if item is None or location is None:
            continue
        if location == "statusCode":
            status = int(item)
        elif location == "header":
            headers.append((member.serialization.get("name", name), _header_text(member, item)))
        elif location == "headers":
            prefix = member.serialization.get("name", "")
            headers.extend((f"{prefix}{k}", str(v)) for k, v in item.items())
    return status


class RestJsonCodec:
    """Decode REST-JSON requests and encode responses and errors for one service."""

    protocol = "rest-json"

    def __init__(self, service: str) -> None:
        self.service = service
        self.model = service_model(service)
        routes = []
        for name in self.model.operation_names:
            http = self.model.operation_model(name).http
            routes.append(_Route(name, http.get("method", "POST"), http.get("requestUri", "/")))
        self.routes = sorted(routes, key=lambda r: r.rank)
        self.body_error = (
            "InvalidRequestContentException" if error_shape(service, "InvalidRequestContentException") else "SerializationException"
        )
        self.param_error = (
            "InvalidParameterValueException" if error_shape(service, "InvalidParameterValueException") else "ValidationException"
        )

    def _match(self, request: HttpRequest) -> tuple[_Route, dict[str, str]]:
        for route in self.routes:
            if route.method != request.method:
                continue
            labels = route.match(request)
            if labels is not None:
                return route, labels
        raise AwsError("UnknownOperationException", f"No operation matches {request.method} {request.path}.", status=404)

    def matches(self, request: HttpRequest) -> bool:
        """Whether some operation's method and URI template fit this request."""
        try:
            self._match(request)
        except AwsError:
            return False
        return True

    def operation_of(self, request: HttpRequest) -> str:
        """The operation whose method and URI template fit the request."""
        return self._match(request)[0].name

    def decode(self, request: HttpRequest, operation: str | None = None) -> tuple[str, dict[str, Any]]:
        """``(operation, params)``: labels, query string, headers and body read along the input shape."""
        route, labels = self._match(request)
        if operation is not None and operation != route.name:
            raise AwsError("UnknownOperationException", f"{request.method} {request.path} is not {operation}.", status=404)
        shape = self.model.operation_model(route.name).input_shape
        if shape is None:
            return route.name, {}
        try:
            params = self._located(shape, request, labels)
        except (ValueError, UnicodeDecodeError) as exc:
            raise AwsError(self.param_error, str(exc), status=400) from None
        params.update(self._body(shape, request))
        return route.name, params

    def _located(self, shape: Any, request: HttpRequest, labels: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        claimed = set()
        query_map = None
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri" and wire in labels:
                out[name] = _text_value(member, labels[wire], f"the {wire} in the path")
            elif location == "querystring":
                if member.type_name == "map":
                    query_map = (name, member)
                    continue
                claimed.add(wire)
                values = [v for k, v in request.query if k == wire]
                if not values:
                    continue
                if member.type_name == "list":
                    out[name] = [_text_value(member.member, v, f"query {wire}") for v in values]
                else:
                    out[name] = _text_value(member, values[0], f"query {wire}")
            elif location == "header":
                text = request.header(wire)
                if text is None:
                    continue
                if member.type_name == "list":
                    out[name] = [_text_value(member.member, v, f"header {wire}") for v in split_header_list(text)]
                else:
                    out[name] = _text_value(member, text, f"header {wire}")
            elif location == "headers":
                prefix = wire.lower()
                found = {k[len(prefix) :]: v for k, v in request.headers.items() if k.startswith(prefix)}
                if found:
                    out[name] = found
        if query_map is not None:
            name, member = query_map
            extra: dict[str, Any] = {}
            for key, value in request.query:
                if key in claimed:
                    continue
                if member.value.type_name == "list":
                    extra.setdefault(key, []).append(value)
                else:
                    extra.setdefault(key, value)
            if extra:
                out[name] = extra
        return out

    def _body(self, shape: Any, request: HttpRequest) -> dict[str, Any]:
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            if member.type_name in ("blob", "string"):
                if not request.body:
                    return {}
                return {payload: request.body if member.type_name == "blob" else request.body.decode("utf-8")}
            shape, wrap = member, payload
        else:
            wrap = None
        if not request.body.strip():
            return {}
        try:
            body = loads(request.body)
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            decoded = decode_value(shape, body)
        except BadText as exc:
            raise exc.as_aws_error() from None
        except (ValueError, UnicodeDecodeError) as exc:
            problem = exc.problem if isinstance(exc, ShapeError) else str(exc)
            raise AwsError(self.body_error, f"Could not parse request body into json: {problem}", status=400) from None
        if wrap:
            # botocore sends ``{}`` for an absent structure payload, so ``{}`` reads as absent.
            return {wrap: decoded} if decoded else {}
        return decoded

    def encode(self, operation: str, result: dict[str, Any], request_id: str) -> HttpResponse:
        """The response for ``result``: status, header members, and the payload or JSON body."""
        op_model = self.model.operation_model(operation)
        shape = op_model.output_shape
        status = int(op_model.http.get("responseCode", 200))
        headers = [("x-amzn-RequestId", request_id)]
        if shape is None:
            return HttpResponse(status, headers + [("Content-Type", CONTENT_TYPE)], b"" if status == 204 else b"{}")
        status = _write_located(shape, result, headers) or status
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            value = result.get(payload)
            if member.serialization.get("eventstream"):
                raise NotImplementedError(f"{operation} answers with an event stream, which the door does not write")
            if member.type_name in ("blob", "string"):
                body = to_bytes(value) if value is not None else b""
                if not any(k.lower() == "content-type" for k, _ in headers):
                    headers.append(("Content-Type", CONTENT_TYPE))
            else:
                body = dumps(encode_value(member, value)) if value is not None else b""
                headers.append(("Content-Type", CONTENT_TYPE))
        else:
            body = dumps(encode_value(shape, result))
            headers.append(("Content-Type", CONTENT_TYPE))
        return HttpResponse(status, headers, b"" if status in (204, 304) else body)

    def encode_error(self, error: AwsError, request_id: str, operation: str | None = None) -> HttpResponse:
        """``error`` with ``x-amzn-ErrorType`` and a ``{"Type", "Message"}`` body."""
        code, status, sender, shape = resolve_error(self.service, error)
        key = message_member(shape, "Message")
        body: dict[str, Any] = {}
        if shape is None or "Type" in shape.members:
            body["Type"] = "User" if sender else "Service"
        headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code), ("Content-Type", CONTENT_TYPE)]
        if shape is not None:
            extra = {k: v for k, v in error.fields.items() if k in shape.members and k != key}
            body.update(encode_value(shape, extra))
            _write_located(shape, extra, headers)  # Lambda's Retry-After, for one
        body[key] = error.message
        return HttpResponse(status, headers, dumps(body))
