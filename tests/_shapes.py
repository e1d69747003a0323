"""Checks a response against botocore's output shape: shared by the client tests,
with the two accessors most error tests use."""

from datetime import datetime


def check_shape(value, shape, path="out"):
    """Every key the model returns must exist in botocore's output shape, with the right type."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        for k, v in value.items():
            if k == "ResponseMetadata":
                continue
            assert k in shape.members, f"{path}.{k} is not in the {shape.name} shape"
            check_shape(v, shape.members[k], f"{path}.{k}")
    elif kind == "list":
        assert isinstance(value, list), path
        for i, v in enumerate(value):
            check_shape(v, shape.member, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), path
        for k, v in value.items():
            check_shape(v, shape.value, f"{path}[{k}]")
    elif kind == "string":
        # botocore's own after-call handler decodes IAM's policy documents into dicts.
        decoded_policy = shape.name == "policyDocumentType" and isinstance(value, dict)
        assert isinstance(value, str) or decoded_policy, path
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif kind == "boolean":
        assert isinstance(value, bool), path
    elif kind == "timestamp":
        assert isinstance(value, datetime) and value.tzinfo is not None, path
    elif kind == "blob":
        assert isinstance(value, bytes), path


def code_of(exc_info) -> str:
    """The AWS error code of a ``pytest.raises`` result."""
    return exc_info.value.response["Error"]["Code"]


def message_of(exc_info) -> str:
    """The AWS error message of a ``pytest.raises`` result."""
    return exc_info.value.response["Error"]["Message"]
