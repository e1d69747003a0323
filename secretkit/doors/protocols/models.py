"""botocore's service models, loaded once, and the lookups the codecs need from them.

Every shape the codecs read or write comes from the same JSON models botocore ships
(``botocore/data/<service>/<api-version>/service-2.json``), so a field, a timestamp format
or an error's HTTP status is what every AWS SDK was generated from — never a table written
here. The loader reads only botocore's bundled models: a user's ``~/.aws/models`` or
``AWS_DATA_PATH`` cannot change what the door speaks.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

    from .errors import AwsError

__all__ = [
    "SERVED",
    "error_shape",
    "error_status",
    "is_sender_fault",
    "is_unsigned",
    "message_member",
    "protocol_of",
    "resolve_error",
    "service_for_signing_name",
    "service_for_target",
    "service_model",
    "wire_code",
]

# The services the kit models (or soon will), by botocore name, and the protocol of each
# is read from its model: JSON 1.1, query or REST-JSON.
SERVED = ("secretsmanager", "ssm", "kms", "events", "lambda", "cloudformation", "iam", "sts", "rds")

_lock = threading.Lock()


@functools.cache
def _loader() -> object:
    from botocore.loaders import Loader

    return Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)


@functools.cache
def _load(name: str) -> ServiceModel:
    from botocore.model import ServiceModel

    with _lock:  # botocore's loader keeps a plain dict cache
        data = _loader().load_service_model(name, "service-2")  # type: ignore[attr-defined]
    return ServiceModel(data, service_name=name)


def service_model(name: str) -> ServiceModel:
    """botocore's model of service ``name`` (``"secretsmanager"``, ``"iam"``, ...), cached."""
    if name not in SERVED:
        raise ValueError(f"the HTTP door serves {', '.join(SERVED)}, not {name!r}")
    return _load(name)


def protocol_of(name: str) -> str:
    """``"json"``, ``"query"`` or ``"rest-json"``: how service ``name`` speaks HTTP."""
    model = service_model(name)
    protocols = model.metadata.get("protocols") or [model.metadata["protocol"]]
    for candidate in ("json", "rest-json", "query"):
        if candidate in protocols:
            return candidate
    raise ValueError(f"{name} speaks {protocols}, which the door does not")


@functools.cache
def _targets() -> dict[str, str]:
    out = {}
    for name in SERVED:
        prefix = service_model(name).metadata.get("targetPrefix")
        if prefix and protocol_of(name) == "json":
            out[prefix] = name
    return out


def service_for_target(target: str) -> str | None:
    """The JSON service an ``X-Amz-Target`` (``"TrentService.Encrypt"``) is addressed to."""
    prefix, _, _ = target.rpartition(".")
    return _targets().get(prefix)


@functools.cache
def _signing_names() -> dict[str, str]:
    return {service_model(name).signing_name: name for name in SERVED}


def service_for_signing_name(signing_name: str) -> str | None:
    """The service whose SigV4 signing name (the credential scope's service) this is."""
    return _signing_names().get(signing_name)


@functools.cache
def _errors(name: str) -> dict[str, Shape]:
    index: dict[str, Shape] = {}
    for shape in service_model(name).error_shapes:
        index[shape.name] = shape
        code = shape.metadata.get("error", {}).get("code")
        if code:
            index[code] = shape
    return index


def error_shape(service: str, code: str) -> Shape | None:
    """The modelled error shape for ``code``, by wire code (``NoSuchEntity``) or shape name."""
    return _errors(service).get(code)


def wire_code(service: str, code: str) -> str:
    """The code as it goes on the wire: IAM's ``NoSuchEntityException`` shape is sent as ``NoSuchEntity``."""
    shape = error_shape(service, code)
    if shape is None:
        return code
    return str(shape.metadata.get("error", {}).get("code") or shape.name)


def error_status(shape: Shape | None) -> int | None:
    """The HTTP status the model gives an error shape, if it gives one."""
    if shape is None:
        return None
    status = shape.metadata.get("error", {}).get("httpStatusCode")
    return int(status) if status is not None else None


def is_sender_fault(shape: Shape | None, status: int) -> bool:
    """Whether the caller is to blame: the model's ``senderFault``, else a status below 500."""
    if shape is not None:
        error = shape.metadata.get("error", {})
        if "senderFault" in error:
            return bool(error["senderFault"])
        if shape.metadata.get("fault"):
            return False
    return status < 500


def is_unsigned(operation: OperationModel) -> bool:
    """Whether AWS accepts the operation without a signature (STS ``AssumeRoleWithSAML``...)."""
    if operation.auth_type == "none":
        return True
    return "smithy.api#noAuth" in (operation.auth or [])


def message_member(shape: Shape | None, default: str) -> str:
    """The name an error shape gives its message (``message`` or ``Message``), else ``default``."""
    if shape is not None:
        for name in ("message", "Message"):
            if name in shape.members:
                return name
    return default


def resolve_error(service: str, error: AwsError) -> tuple[str, int, bool, Shape | None]:
    """(wire code, HTTP status, sender fault, modelled shape) for an error of ``service``.

    The model's status wins over the error's own, because that is what every SDK was
    generated to expect; an unmodelled error keeps its status, or gets 400.
    """
    shape = error_shape(service, error.code)
    status = error_status(shape) or error.status or (400 if error.sender_fault is not False else 500)
    sender = error.sender_fault if error.sender_fault is not None else is_sender_fault(shape, status)
    return wire_code(service, error.code), status, sender, shape
