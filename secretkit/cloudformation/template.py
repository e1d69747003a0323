"""A template, loaded: its text as given, its sections read into records, its checks passed.

:func:`load` is the one door in. It hands the text to cfn-lint (:mod:`.lint`), turns the
first template-level finding into CloudFormation's ``ValidationError`` (:mod:`.findings`),
makes the few checks cfn-lint leaves to the server (functions CloudFormation does not
have, ``ssm-secure`` references outside the properties that accept them, resource types
the kit cannot make, in :func:`check_types`), and returns a :class:`Template`. A template that fails any check
never reaches a stack.

The text is kept exactly as given: ``GetTemplate`` returns it byte for byte, YAML
comments and all, and the change detection compares the *decoded* template, so
reformatting a template is not a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from .basis import fail
from .findings import template_message
from .lint import Finding, check

__all__ = [
    "FUNCTIONS",
    "ParameterSpec",
    "ResourceSpec",
    "SSM_SECURE_PROPERTIES",
    "Template",
    "check_types",
    "load",
    "walk",
]

MAX_BODY = 51_200
#: The intrinsic functions CloudFormation evaluates (condition functions included).
FUNCTIONS = (
    "Fn::Base64", "Fn::GetAtt", "Fn::GetAZs", "Fn::ImportValue", "Fn::Join", "Fn::Split", "Fn::FindInMap",
    "Fn::Select", "Ref", "Fn::Equals", "Fn::If", "Fn::Not", "Condition", "Fn::And", "Fn::Or", "Fn::Sub",
    "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString", "Fn::ForEach",
)
#: Where a ``{{resolve:ssm-secure:...}}`` reference may appear (type, property).
SSM_SECURE_PROPERTIES = frozenset(
    {
        ("AWS::DirectoryService::MicrosoftAD", "Password"),
        ("AWS::DirectoryService::SimpleAD", "Password"),
        ("AWS::ElastiCache::ReplicationGroup", "AuthToken"),
        ("AWS::IAM::User", "LoginProfile"),
        ("AWS::KinesisFirehose::DeliveryStream", "RedshiftDestinationConfiguration"),
        ("AWS::OpsWorks::App", "Source"),
        ("AWS::OpsWorks::Stack", "CustomCookbooksSource"),
        ("AWS::OpsWorks::Stack", "RdsDbInstances"),
        ("AWS::RDS::DBCluster", "MasterUserPassword"),
        ("AWS::RDS::DBInstance", "MasterUserPassword"),
        ("AWS::Redshift::Cluster", "MasterUserPassword"),
    }
)
_SSM_SECURE = re.compile(r"\{\{resolve:ssm-secure:")


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One entry of the ``Parameters`` section."""

    name: str
    type: str
    default: str | None = None
    no_echo: bool = False
    description: str | None = None
    allowed_values: tuple[str, ...] | None = None
    allowed_pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    constraint_description: str | None = None

    @property
    def is_list(self) -> bool:
        t = self.type
        return t.startswith("List<") or t == "CommaDelimitedList" or t in _SSM_LIST_TYPES or (
            t.startswith("AWS::SSM::Parameter::Value<List<")
        )

    @property
    def from_ssm(self) -> bool:
        return self.type.startswith("AWS::SSM::Parameter::Value<")


_SSM_LIST_TYPES = {"AWS::SSM::Parameter::Value<CommaDelimitedList>"}


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One entry of the ``Resources`` section, attributes separated from properties."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    metadata: Mapping[str, Any] | None = None


@dataclass(slots=True)
class Template:
    """A checked template. ``data`` is the decoded whole; the rest are views of its sections."""

    body: str
    data: dict[str, Any]
    description: str | None
    parameters: dict[str, ParameterSpec]
    mappings: dict[str, Any]
    conditions: dict[str, Any]
    resources: dict[str, ResourceSpec]
    outputs: dict[str, Any]
    transforms: tuple[str, ...]
    property_findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    #: The processed template (JSON text) when a transform was applied; the sections above
    #: are then views of it, while ``body`` stays the template as written.
    processed_body: str | None = None

    @property
    def is_json(self) -> bool:
        return self.body.lstrip().startswith("{")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _parameter(name: str, body: Mapping[str, Any]) -> ParameterSpec:
    allowed = body.get("AllowedValues")
    default = body.get("Default")
    if isinstance(default, list):
        default = ",".join(_text(v) for v in default)
    no_echo = body.get("NoEcho", False)
    return ParameterSpec(
        name,
        str(body.get("Type", "String")),
        None if default is None else _text(default),
        no_echo is True or str(no_echo).lower() == "true",
        body.get("Description"),
        tuple(_text(v) for v in allowed) if isinstance(allowed, list) else None,
        body.get("AllowedPattern"),
        int(body["MinLength"]) if "MinLength" in body else None,
        int(body["MaxLength"]) if "MaxLength" in body else None,
        _number(body.get("MinValue")) if "MinValue" in body else None,
        _number(body.get("MaxValue")) if "MaxValue" in body else None,
        body.get("ConstraintDescription"),
    )


def _resource(logical_id: str, body: Mapping[str, Any]) -> ResourceSpec:
    depends = body.get("DependsOn", ())
    if isinstance(depends, str):
        depends = (depends,)
    props = body.get("Properties") or {}
    return ResourceSpec(
        logical_id,
        str(body["Type"]),
        props,
        tuple(str(d) for d in depends),
        body.get("Condition"),
        str(body.get("DeletionPolicy", "Delete")),
        str(body.get("UpdateReplacePolicy", "Delete")),
        body.get("Metadata"),
    )


def walk(node: Any) -> Iterator[Any]:
    """Every dict, list and scalar inside ``node``, depth first (the node itself first)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _unsupported_function(data: Mapping[str, Any]) -> str | None:
    sections = [data.get("Resources"), data.get("Outputs"), data.get("Conditions")]
    for section in sections:
        for node in walk(section):
            if isinstance(node, dict) and len(node) == 1:
                (key,) = node
                if key.startswith("Fn::") and key not in FUNCTIONS:
                    return key
    return None


def _ssm_secure_misplaced(resources: Mapping[str, ResourceSpec]) -> list[str]:
    places = []
    for spec in resources.values():
        for prop, value in spec.properties.items():
            if (spec.type, prop) in SSM_SECURE_PROPERTIES:
                continue
            if any(isinstance(n, str) and _SSM_SECURE.search(n) for n in walk(value)):
                places.append(f"{spec.type}/Properties/{prop}")
    return places


def check_types(template: Template, known_types: Mapping[str, Any] | frozenset[str]) -> None:
    """Refuse resource types the kit cannot provision, with CloudFormation's error naming them.

    (cfn-lint already refused types that do not exist at all; this refuses the real types
    secretkit does not model, with the same wording, so a template fails the same way.)
    """
    unknown = [spec.type for spec in template.resources.values() if spec.type not in known_types]
    if unknown:
        listed = ", ".join(dict.fromkeys(unknown))
        raise fail("ValidationError", f"Template format error: Unrecognized resource types: [{listed}]")


def load(body: object, region: str) -> Template:
    """Check ``body`` as CloudFormation does and return the :class:`Template`."""
    if not isinstance(body, str) or not body.strip():
        raise fail("ValidationError", "Either Template URL or Template Body must be specified.")
    if len(body.encode()) > MAX_BODY:
        raise fail(
            "ValidationError",
            f"1 validation error detected: Value at 'templateBody' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_BODY}",
        )
    report = check(body, region)
    message = template_message(report, body)
    if message is not None:
        raise fail("ValidationError", message)
    data = report.template
    assert data is not None  # a report without parse errors always carries the template
    function = _unsupported_function(data)
    if function is not None:
        raise fail(
            "ValidationError",
            f"Template error: Encountered unsupported function: {function} Supported functions are: [{', '.join(FUNCTIONS)}]",
        )
    resources = {lid: _resource(lid, body_) for lid, body_ in (data.get("Resources") or {}).items()}
    misplaced = _ssm_secure_misplaced(resources)
    if misplaced:
        raise fail("ValidationError", f"SSM Secure reference is not supported in: [{', '.join(misplaced)}]")
    transform = data.get("Transform") or ()
    transforms = (transform,) if isinstance(transform, str) else tuple(str(t) for t in transform)
    return Template(
        body,
        data,
        data.get("Description"),
        {name: _parameter(name, spec) for name, spec in (data.get("Parameters") or {}).items()},
        dict(data.get("Mappings") or {}),
        dict(data.get("Conditions") or {}),
        resources,
        dict(data.get("Outputs") or {}),
        transforms,
        report.property_findings,
    )
