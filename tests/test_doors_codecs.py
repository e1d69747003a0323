"""The protocol codecs agree with botocore on every operation of every served service.

For each operation, hypothesis draws an input from its input shape and an output from its
output shape. A genuine botocore client serialises and signs the input; the door decodes
both forms of the request it would receive (botocore's ``before-call`` dict and the
finished HTTP request) and must get the input back, and botocore's SigV4 signature over
those bytes must verify. The door then encodes the output as
the HTTP response, botocore parses it, and the caller must see the output — after the
same ``after-call`` handlers that run against AWS (IAM policy documents decoded,
CloudFormation templates parsed). Modelled errors make the same trip the other way.

``SECRETKIT_CODEC_EXAMPLES`` sets the number of examples per operation (default 4).
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from botocore import handlers
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _botocore_harness import ACCESS_KEY, REGION, SECRET_KEY, Harness
from _shape_strategies import TEXT_CHARS, value_strategy
from secretkit.doors.http.sigv4 import IssuedKey, SignatureFailure, verify
from secretkit.doors.protocols import AwsError, codec_for, decode_request, service_model
from secretkit.doors.protocols.models import is_unsigned

SERVICES = ["secretsmanager", "ssm", "kms", "lambda", "cloudformation", "iam", "sts", "events", "rds"]
EXAMPLES = int(os.environ.get("SECRETKIT_CODEC_EXAMPLES", "4"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

_harnesses: dict[str, Harness] = {}


def harness(service: str) -> Harness:
    if service not in _harnesses:
        _harnesses[service] = Harness(service)
    return _harnesses[service]


def _operations() -> list[tuple[str, str]]:
    return [(s, op) for s in SERVICES for op in service_model(s).operation_names]


def _is_event_stream(op_model: Any) -> bool:
    shape = op_model.output_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    return bool(payload and shape.members[payload].serialization.get("eventstream"))


def _expected_output(service: str, op_model: Any, output: dict[str, Any]) -> dict[str, Any]:
    """What a boto3 caller sees for ``output``: botocore's after-call handlers, REST defaults."""
    expected = copy.deepcopy(output)
    if service == "iam" and op_model.output_shape is not None:
        expected = _policies_as_dicts(op_model.output_shape, expected)
    if service == "cloudformation" and op_model.name == "GetTemplate":
        handlers.json_decode_template_body(expected)
    shape = op_model.output_shape
    if shape is not None and codec_for(service).protocol == "rest-json":
        for name, member in shape.members.items():
            if member.serialization.get("location") == "statusCode":
                expected.setdefault(name, int(op_model.http.get("responseCode", 200)))
        payload = shape.serialization.get("payload")
        if payload and shape.members[payload].type_name in ("blob", "string"):
            expected.setdefault(payload, b"")
        elif payload:
            expected.setdefault(payload, {})
    return expected


def _policies_as_dicts(shape: Any, value: Any) -> Any:
    """IAM's policy documents as boto3 hands them over: parsed JSON (AWS sends them URL-encoded)."""
    if shape.type_name == "structure":
        return {k: _policies_as_dicts(shape.members[k], v) for k, v in value.items()}
    if shape.type_name == "list":
        return [_policies_as_dicts(shape.member, v) for v in value]
    if shape.type_name == "map":
        return {k: _policies_as_dicts(shape.value, v) for k, v in value.items()}
    if shape.type_name == "string" and shape.name == "policyDocumentType":
        return json.loads(value)
    return value


def _readable(parsed: dict[str, Any]) -> dict[str, Any]:
    parsed = dict(parsed)
    parsed.pop("ResponseMetadata", None)
    for key, value in list(parsed.items()):
        if hasattr(value, "read"):
            parsed[key] = value.read()
    return parsed


@pytest.mark.parametrize(("service", "operation"), _operations())
@SETTINGS
@given(data=st.data())
def test_requests_and_responses_round_trip(service: str, operation: str, data: st.DataObject) -> None:
    h = harness(service)
    codec = codec_for(service)
    op_model = h.client.meta.service_model.operation_model(operation)
    params = data.draw(value_strategy(op_model.input_shape, codec.protocol, service, "input"), label="input")
    streaming = _is_event_stream(op_model)
    output = {} if streaming else data.draw(value_strategy(op_model.output_shape, codec.protocol, service, "output"), label="output")

    def respond(_request: Any) -> Any:
        if streaming:
            return codec.encode_error(AwsError("ServiceException", "event streams are not served"), "req-1", operation)
        return codec.encode(operation, output, "req-1")

    h.respond = respond
    if streaming:
        with pytest.raises(ClientError):
            h.call(operation, params)
        with pytest.raises(NotImplementedError):
            codec.encode(operation, {"StatusCode": 200}, "req-1")
    else:
        parsed = h.call(operation, params)
        assert _readable(parsed) == _expected_output(service, op_model, output)
        assert parsed["ResponseMetadata"]["RequestId"] == "req-1"

    assert h.botocore_form is not None and h.wire is not None
    assert decode_request(service, h.botocore_form) == (operation, params), "before-call form"
    assert codec.decode(h.wire) == (operation, params), "wire form"
    assert codec.operation_of(h.wire) == operation

    # The signature botocore made over these bytes verifies, whatever the path and query held.
    keys = {ACCESS_KEY: IssuedKey(SECRET_KEY)}
    if is_unsigned(op_model):
        with pytest.raises(SignatureFailure):
            verify(h.wire, keys.get, op_model.service_model.signing_name)
    else:
        caller = verify(h.wire, keys.get, op_model.service_model.signing_name)
        assert (caller.access_key_id, caller.region) == (ACCESS_KEY, REGION)


def _errors() -> list[tuple[str, str]]:
    return [(s, shape.name) for s in SERVICES for shape in service_model(s).error_shapes]


def _cheap_operation(service: str) -> str:
    model = service_model(service)
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        if shape is None or not shape.required_members:
            if not _is_event_stream(model.operation_model(name)):
                return name
    raise AssertionError(f"{service} has no operation without required input")


@pytest.mark.parametrize(("service", "error_name"), _errors())
@SETTINGS
@given(data=st.data())
def test_modelled_errors_reach_botocore(service: str, error_name: str, data: st.DataObject) -> None:
    h = harness(service)
    codec = codec_for(service)
    model = service_model(service)
    shape = model.shape_for(error_name)
    message = data.draw(st.text(TEXT_CHARS, min_size=1, max_size=30), label="message")
    fields = {
        name: value
        for name, value in data.draw(value_strategy(shape, codec.protocol, service, "output"), label="fields").items()
        if name.lower() not in ("message", "type", "code")
    }
    error = AwsError(error_name, message, fields=fields)
    operation = _cheap_operation(service)
    h.respond = lambda _request: codec.encode_error(error, "req-err", operation)
    with pytest.raises(ClientError) as caught:
        h.call(operation, {})
    response = caught.value.response
    wire_code = shape.metadata.get("error", {}).get("code", error_name)
    assert response["Error"]["Code"] == wire_code
    assert response["Error"]["Message"] == message
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert type(caught.value).__name__ == error_name  # botocore mapped it to the modelled class
    for name, value in fields.items():
        assert response[name] == value, name


@pytest.mark.parametrize("service", SERVICES)
def test_unmodelled_errors_keep_code_message_and_status(service: str) -> None:
    h = harness(service)
    codec = codec_for(service)
    error = AwsError("AccessDeniedException", "User: arn:aws:iam::111122223333:user/ana is not authorized", status=403)
    h.respond = lambda _request: codec.encode_error(error, "req-403", None)
    with pytest.raises(ClientError) as caught:
        h.call(_cheap_operation(service), {})
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert caught.value.response["Error"]["Message"] == error.message
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert caught.value.response["ResponseMetadata"]["RequestId"] == "req-403"
