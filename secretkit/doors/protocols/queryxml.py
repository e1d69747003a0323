"""XML responses of the query protocol (CloudFormation, IAM, STS, RDS).

A result is wrapped twice, in the operation's response element (carrying the service's
XML namespace) and in the result wrapper the model names::

    <GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
      <GetRoleResult><Role><RoleName>app</RoleName>...</Role></GetRoleResult>
      <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
    </GetRoleResponse>

Lists are ``<Name><member>...</member></Name>`` (the model may rename ``member``, and a
flattened list repeats ``<Name>`` itself), maps ``<entry><key/><value/></entry>``,
timestamps ISO 8601, booleans ``true``/``false``, blobs base64. An operation with no output
(``DeleteStack``) answers only ``<ResponseMetadata>``. Errors are::

    <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>NoSuchEntity</Code>
      <Message>The role with name app cannot be found.</Message></Error>
      <RequestId>...</RequestId></ErrorResponse>

IAM sends policy documents (shape ``policyDocumentType``) as URL-encoded JSON, which boto3
decodes back into a dict; a result may give such a document as a dict or as JSON text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import quote

from .errors import AwsError
from .models import resolve_error
from .values import format_timestamp, timestamp_format, to_base64
from .wire import HttpResponse

__all__ = ["encode_error", "encode_result", "escape"]

CONTENT_TYPE = "text/xml"
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str, attribute: bool = False) -> str:
    """``text`` made safe inside an XML element (or attribute).

    A carriage return is written as ``&#13;`` because XML parsers turn a literal one into
    a line feed; characters XML cannot represent become U+FFFD.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return _NOT_XML.sub("\ufffd", text)


class _Writer:
    def __init__(self, service: str) -> None:
        self.service = service
        self.parts: list[str] = []

    def members(self, shape: Any, value: dict[str, Any]) -> None:
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None or member.serialization.get("xmlAttribute"):
                continue
            self.value(member, item, self._tag(member, name))

    @staticmethod
    def _tag(member: Any, name: str) -> str:
        if member.type_name == "list" and member.serialization.get("flattened"):
            renamed = member.member.serialization.get("name")
            if renamed:
                return str(renamed)
        return str(member.serialization.get("name", name))

    def _open(self, shape: Any, value: Any, tag: str) -> str:
        if shape.type_name != "structure" or not isinstance(value, dict):
            return f"<{tag}>"
        attributes = "".join(
            f' {member.serialization.get("name", name)}="{escape(str(value[name]), attribute=True)}"'
            for name, member in shape.members.items()
            if member.serialization.get("xmlAttribute") and value.get(name) is not None
        )
        return f"<{tag}{attributes}>"

    def value(self, shape: Any, value: Any, tag: str) -> None:
        kind = shape.type_name
        if kind == "list":
            member_tag = str(shape.member.serialization.get("name", "member"))
            if shape.serialization.get("flattened"):
                for item in value:
                    self.value(shape.member, item, tag)
                return
            self.parts.append(f"<{tag}>")
            for item in value:
                self.value(shape.member, item, member_tag)
            self.parts.append(f"</{tag}>")
            return
        if kind == "map":
            key_tag = str(shape.key.serialization.get("name", "key"))
            value_tag = str(shape.value.serialization.get("name", "value"))
            flattened = bool(shape.serialization.get("flattened"))
            if not flattened:
                self.parts.append(f"<{tag}>")
            for key, item in value.items():
                self.parts.append(f"<{tag}>" if flattened else "<entry>")
                self.value(shape.key, key, key_tag)
                self.value(shape.value, item, value_tag)
                self.parts.append(f"</{tag}>" if flattened else "</entry>")
            if not flattened:
                self.parts.append(f"</{tag}>")
            return
        self.parts.append(self._open(shape, value, tag))
        if kind == "structure":
            self.members(shape, value)
        else:
            self.parts.append(escape(self.scalar(shape, value)))
        self.parts.append(f"</{tag}>")

    def scalar(self, shape: Any, value: Any) -> str:
        kind = shape.type_name
        if kind == "boolean":
            return "true" if value else "false"
        if kind == "timestamp":
            return str(format_timestamp(value, timestamp_format(shape, "iso8601")))
        if kind == "blob":
            return to_base64(value)
        if kind in ("float", "double"):
            number = float(value)
            if math.isnan(number):
                return "NaN"
            if math.isinf(number):
                return "Infinity" if number > 0 else "-Infinity"
            return repr(number)
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        text = str(value)
        if self.service == "iam" and shape.name == "policyDocumentType":
            text = quote(text, safe="")
        return text


def _namespace(model: Any) -> str:
    return str(model.metadata.get("xmlNamespace", ""))


def _response(status: int, body: str, request_id: str) -> HttpResponse:
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", CONTENT_TYPE)]
    return HttpResponse(status, headers, body.encode("utf-8"))


def encode_result(service: str, model: Any, operation: str, result: dict[str, Any], request_id: str) -> HttpResponse:
    """The XML document for a successful ``operation`` returning ``result``."""
    op_model = model.operation_model(operation)
    shape = op_model.output_shape
    writer = _Writer(service)
    writer.parts.append(f'<{operation}Response xmlns="{escape(_namespace(model), attribute=True)}">')
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper")
        if wrapper:
            writer.parts.append(f"<{wrapper}>")
        writer.members(shape, result)
        if wrapper:
            writer.parts.append(f"</{wrapper}>")
    writer.parts.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    writer.parts.append(f"</{operation}Response>")
    return _response(200, "".join(writer.parts), request_id)


def encode_error(service: str, model: Any, error: AwsError, request_id: str) -> HttpResponse:
    """The ``<ErrorResponse>`` document for ``error``, with the model's status and fault."""
    code, status, sender, shape = resolve_error(service, error)
    writer = _Writer(service)
    writer.parts.append(f'<ErrorResponse xmlns="{escape(_namespace(model), attribute=True)}"><Error>')
    writer.parts.append(f"<Type>{'Sender' if sender else 'Receiver'}</Type>")
    writer.parts.append(f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message>")
    if shape is not None:
        extra = {k: v for k, v in error.fields.items() if k in shape.members and k.lower() != "message"}
        writer.members(shape, extra)
    writer.parts.append(f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>")
    return _response(status, "".join(writer.parts), request_id)
