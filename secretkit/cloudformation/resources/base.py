"""What every resource type provides, and the registry the engine finds them in.

A resource type is a small class with three verbs, each given the resolved properties
(intrinsic functions evaluated, dynamic references read) and a :class:`ResourceContext`
that reaches the account's services:

* ``create(ctx, props) -> Provisioned``: make the thing; return its physical id, its Ref
  value, its ``Fn::GetAtt`` attributes and any private state the other verbs need. A
  create that fails half way undoes its own partial work before raising, so a failed
  resource leaves nothing behind.
* ``update(ctx, current, old, new, changed) -> Provisioned``: change it in place. The
  engine calls it only when no changed property needs replacement; ``old`` are the
  properties it was last given *as written* (dynamic references unresolved), ``new`` the
  resolved ones, ``changed`` the names of the top-level properties that differ.
* ``delete(ctx, current)``: remove it.

Which properties force a replacement comes from the registry schema's
``createOnlyProperties`` (:mod:`..schemas`), unless a type sets :attr:`ResourceType.replace_on`.
A type whose ``name_property`` is set cannot be replaced while that custom name stays the
same, as on AWS (the new resource would collide with the old).

Errors: a service's :class:`ClientError` propagates and becomes the resource's failure
reason; :class:`ResourceFailure` carries a reason of the type's own.

To add a type (phase 2: Lambda functions, EventBridge rules, RDS, IAM), write one module
with a subclass decorated by :func:`register` and import it in ``resources/__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..basis import Ids

__all__ = [
    "Provisioned",
    "REGISTRY",
    "ResourceContext",
    "ResourceFailure",
    "ResourceType",
    "StackServices",
    "as_bool",
    "as_int",
    "changed_tags",
    "register",
]

_UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class ResourceFailure(Exception):
    """A resource could not be made, changed or removed; ``str()`` is the event's reason."""


class StackServices(Protocol):
    """How resource types reach the account: the service models, by region.

    ``service(name, region)`` returns the model (``"secretsmanager"``, ``"ssm"``,
    ``"kms"``, ``"lambda"``); ``database(target_type, target_id, region)`` describes a
    database a ``SecretTargetAttachment`` points at (``{"engine", "host", "port"}``) or
    returns None; ``package(bucket, key)`` returns the zip of a pre-built rotation function
    the Secrets Manager transform names (``Code.S3Bucket``/``S3Key``), or None.
    """

    def service(self, name: str, region: str) -> Any: ...

    def database(self, target_type: str, target_id: str, region: str) -> dict[str, Any] | None: ...

    def package(self, bucket: str, key: str) -> bytes | None: ...


@dataclass(slots=True)
class ResourceContext:
    """What a resource type's verbs may use: the services, and facts about the stack."""

    services: StackServices
    region: str
    account_id: str
    stack_name: str
    stack_id: str
    logical_id: str
    ids: Ids

    def service(self, name: str, region: str | None = None) -> Any:
        return self.services.service(name, region or self.region)

    def generated_name(self, *, with_stack: bool = True, max_length: int = 255) -> str:
        """A physical name CloudFormation would make up: ``stack-LogicalId-ABC123DEF456``."""
        suffix = "".join(self.ids.rng.choice(_UPPER_ALNUM) for _ in range(12))
        head = f"{self.stack_name}-{self.logical_id}" if with_stack else self.logical_id
        return f"{head[: max_length - 13]}-{suffix}"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"


@dataclass(slots=True)
class Provisioned:
    """A resource as it exists: ids, ``Fn::GetAtt`` values, and the type's private state."""

    physical_id: str
    ref: Any
    attributes: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)


class ResourceType:
    """Base class of the resource types (see the module docstring)."""

    type_name: ClassVar[str] = ""
    #: The label used in failure reasons: ``(Service: SecretsManager, Status Code: 400, ...)``.
    service_label: ClassVar[str] = ""
    #: Properties whose change replaces the resource; ``None`` means the registry schema's.
    replace_on: ClassVar[frozenset[str] | None] = None
    #: The property holding a custom physical name, if the type has one.
    name_property: ClassVar[str | None] = None

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        raise NotImplementedError

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        raise NotImplementedError

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        raise NotImplementedError


def as_int(value: Any, name: str) -> int:
    """A property CloudFormation passes as an integer (templates and parameters give text too)."""
    if isinstance(value, bool):
        raise ResourceFailure(f"Property {name} must be an integer, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ResourceFailure(f"Property {name} must be an integer, got {value!r}") from None


def as_bool(value: Any, name: str) -> bool:
    """A property CloudFormation passes as a boolean (``true``/``false`` text is accepted)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ResourceFailure(f"Property {name} must be a boolean, got {value!r}")


def changed_tags(old: Any, new: Any) -> tuple[dict[str, str], list[str]]:
    """(tags to set, tag keys to remove) between two ``[{Key, Value}]`` lists."""
    before = {t["Key"]: t["Value"] for t in old or []}
    after = {t["Key"]: t["Value"] for t in new or []}
    to_set = {k: v for k, v in after.items() if before.get(k) != v}
    return to_set, [k for k in before if k not in after]


REGISTRY: dict[str, ResourceType] = {}


def register(cls: type[ResourceType]) -> type[ResourceType]:
    """Class decorator: make ``cls`` the handler of ``cls.type_name``."""
    if not cls.type_name or cls.type_name in REGISTRY:
        raise ValueError(f"resource type {cls.type_name!r} is empty or registered twice")
    REGISTRY[cls.type_name] = cls()
    return cls
