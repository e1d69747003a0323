"""The one function behind every door: an AWS operation, by name, served by the Cloud's model.

Both doors — the in-process boto3 client (:mod:`.inprocess`) and the HTTP endpoint
(:mod:`.serving`) — decode a request with the same protocol codecs and then call the same
:class:`CloudBackend`::

    backend(service, operation, params, principal, region) -> result dict

so what a boto3 client in the notebook gets and what the AWS CLI in a terminal gets can
never disagree: there is one place where an operation name becomes a model method.

* ``params`` are what a boto3 caller passes (``bytes``, ``datetime``), already decoded;
* ``principal`` is who is calling: an ARN (the account's root user for the in-process
  door), or the principal record the IAM directory holds for the access key a request
  was signed with (the endpoint). It is made the caller of the call through
  :class:`~secretkit.core.context.caller`, so access control sees it, and a principal of
  another account of the Cloud is served by that account's services;
* a failed call raises the model's ``ClientError`` (or an
  :class:`~secretkit.doors.protocols.AwsError`); a region taken down by
  ``cloud.outage(region)`` raises :class:`~secretkit.core.service.RegionUnavailableError`,
  which each door turns into what its clients would see of an unreachable endpoint.

**One lock.** The endpoint serves each connection in a thread of its own. Every call
through a door holds the Cloud's one lock (``cloud.lock``, re-entrant: a rotation that
invokes a Lambda function whose code calls Secrets Manager through a client of the same
Cloud takes it again in the same thread), the same lock that every operation made directly
on the model and every ``cloud.clock.advance(...)`` holds, so the notebook can drive the
Cloud while terminals call its endpoint. The lock is taken only once a request has been
read and decoded: no thread holds it while it waits on a socket.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from ..core.checks import fail
from ..core.context import caller
from ..core.service import operation
from .protocols.errors import AwsError

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["UNMODELLED_MEMBER_ERRORS", "CloudBackend", "backend_of", "unmodelled_members"]

_EXTENSION = "doors.backend"


class CloudBackend:
    """Serves AWS operations from one Cloud's model, one call at a time."""

    transient = True  # a lock and a cache of methods: a saved Cloud makes a new one on first use

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.lock = cloud.lock  # the Cloud's one lock (see the module's docstring)
        # (service, region, operation) -> the model's bound method. A region's service
        # object, once made, serves it for good, so each method is looked up once.
        self._methods: dict[tuple[str, str, str], Any] = {}

    def method(self, service: str, region: str, operation: str, account_id: str | None = None) -> Any:
        """The model's method for ``operation`` of ``service`` in ``region`` (of the Cloud's
        own account, or of ``account_id``), or ``None`` when the kit does not model it."""
        key = (service, region, operation, account_id)
        found = self._methods.get(key)
        if found is None:
            from botocore import xform_name  # botocore's own operation -> method name rule

            if account_id is None or account_id == self.cloud.account_id:
                model = self.cloud.service(service, region)
            else:  # a Cloud of several accounts serves each its own services
                model = self.cloud.service(service, region, account_id)
            found = getattr(model, xform_name(operation), None)
            if found is None or getattr(found, "aws_operation", None) != operation:
                return None
            self._methods[key] = found
        return found

    def __call__(self, service: str, operation: str, params: dict[str, Any], principal: Any,
                 region: str) -> dict[str, Any]:
        """Run ``operation`` as ``principal`` (an ARN or a principal record; ``None``: no
        caller set, the account's root user) and return the model's answer; AWS errors are raised."""
        with self.lock:
            method = self.method(service, region, operation, getattr(principal, "account_id", None))
            if method is None:
                raise AwsError("UnsupportedOperation", f"secretkit does not model {operation} (yet).", 400)
            try:
                if principal is None:
                    result = method(**params)
                else:
                    with caller(principal):  # an ARN, or the record itself (access control reads it)
                        result = method(**params)
            except TypeError as exc:
                if not _refused_arguments(exc):
                    raise  # a TypeError inside the model is a bug to see, not the caller's fault
                # An argument the model does not accept (new in botocore, or not modelled).
                refused = unmodelled_members(method, params) if service in UNMODELLED_MEMBER_ERRORS else []
                if refused:
                    raise fail(UNMODELLED_MEMBER_ERRORS[service], f"secretkit does not model {', '.join(refused)} in "
                                                                  f"{operation} (yet): leave it out of the request.") from None
                raise AwsError("ValidationException", f"secretkit could not serve this request: {exc}", 400) from None
        return result if result is not None else {}

    def serialised(self, action: Any) -> Any:
        """Run ``action()`` holding the lock (the endpoint's clock and request ids)."""
        with self.lock:
            return action()


# Every operation runs inside the one wrapper @operation makes; a TypeError whose traceback
# ends in that wrapper's frame was raised binding the arguments to the model's method.
_WRAPPER_CODE = operation("Probe")(lambda self: None).__code__


def _refused_arguments(exc: TypeError) -> bool:
    """Whether ``exc`` says the model's method does not take the arguments it was given."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code is _WRAPPER_CODE


#: The AWS error each of these services answers a request member its model does not model
#: with (Lambda's and RDS's many configuration members, IAM's and STS's newer ones). Secrets
#: Manager, Parameter Store and KMS are not here: their models have a parameter for every
#: member botocore knows, and model it or refuse it there.
UNMODELLED_MEMBER_ERRORS = {
    "lambda": "InvalidParameterValueException",
    "rds": "InvalidParameterValue",
    "iam": "InvalidInput",
    "sts": "InvalidParameterValue",
}


def unmodelled_members(method: Any, params: dict[str, Any]) -> list[str]:
    """The members of ``params`` that the model's ``method`` has no parameter for."""
    try:
        accepted = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        return []
    return sorted(name for name in params if name not in accepted)


def backend_of(cloud: Cloud) -> CloudBackend:
    """The Cloud's one backend (made on first use), shared by all its doors and their lock."""
    found = cloud.extensions.get(_EXTENSION)
    if found is None:
        found = cloud.extensions[_EXTENSION] = CloudBackend(cloud)
    return found  # type: ignore[no-any-return]
