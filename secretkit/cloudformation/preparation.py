"""Everything CloudFormation checks before a stack operation changes anything.

:func:`prepare` runs, in AWS's order, the checks that make a call fail with an error
instead of a failed stack: the template (:func:`~.template.load`), the capabilities the
template needs, the transform it declares (:mod:`.transform`, applied here and the result
checked again), the resource types the kit can make, the parameters, the conditions, and
a *dry run* that evaluates every resource's properties and every output with all
resources still unknown. The dry run finds a missing mapping key, a ``Ref`` to a
resource whose condition is false, a missing export or an out-of-range ``Fn::Select``
while nothing has changed. Plain ``{{resolve:ssm:...}}`` references are read here too,
and a missing parameter fails the call (``Parameters: [ssm:/x] cannot be found.``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from .basis import ClientError, fail
from .dynamic import Resolvers, find
from .intrinsics import TemplateError
from .parameters import ParameterValue, resolve
from .resources.base import REGISTRY
from .scope import Scope
from .stacks import Stack
from .template import Template, check_types, load, walk
from .transform import expand

__all__ = ["CAPABILITIES", "Prepared", "capabilities_needed", "prepare", "processed"]

CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
_IAM_TYPES = {
    "AWS::IAM::AccessKey": None,
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": None,
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::UserToGroupAddition": None,
}


@dataclass(slots=True)
class Prepared:
    """A checked operation: ready to run, nothing changed yet."""

    template: Template
    parameters: dict[str, ParameterValue]
    scope: Scope
    cache: dict[str, str] = field(default_factory=dict)


def capabilities_needed(template: Template) -> tuple[list[str], str | None]:
    """(capabilities, reason) the template needs, as ValidateTemplate reports them."""
    named = [s.logical_id for s in template.resources.values() if _IAM_TYPES.get(s.type) and _IAM_TYPES[s.type] in s.properties]
    plain = [s.logical_id for s in template.resources.values() if s.type in _IAM_TYPES]
    if named:
        return ["CAPABILITY_NAMED_IAM"], f"The following resource(s) require capabilities: [{', '.join(named)}]"
    if plain:
        return ["CAPABILITY_IAM"], f"The following resource(s) require capabilities: [{', '.join(plain)}]"
    return [], None


def check_capabilities(template: Template, given: list[str], via_change_set: bool) -> None:
    for capability in given:
        if capability not in CAPABILITIES:
            raise fail("ValidationError", f"Invalid capability {capability}; the valid values are: {', '.join(CAPABILITIES)}")
    needed, _reason = capabilities_needed(template)
    if needed == ["CAPABILITY_NAMED_IAM"] and "CAPABILITY_NAMED_IAM" not in given:
        raise fail("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]")
    if needed == ["CAPABILITY_IAM"] and not {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"} & set(given):
        raise fail("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]")
    if template.transforms and not via_change_set and "CAPABILITY_AUTO_EXPAND" not in given:
        raise fail("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_AUTO_EXPAND]")


def _dry_run(scope: Scope) -> None:
    scope.pending = set(scope.template.resources)
    try:
        for logical_id in scope.active:
            scope.value(scope.template.resources[logical_id].properties)
        scope.outputs()
    except TemplateError as exc:
        raise fail("ValidationError", str(exc)) from None
    finally:
        scope.pending = set()


def _read_ssm_references(scope: Scope, resolvers: Resolvers) -> dict[str, str]:
    cache: dict[str, str] = {}
    missing: list[str] = []
    for logical_id in scope.active:
        for node in walk(scope.template.resources[logical_id].properties):
            if not isinstance(node, str) or "{{resolve:ssm" not in node:
                continue
            for ref in find(node):
                if ref.service == "secretsmanager" or ref.text in cache or "${" in ref.text:
                    continue
                try:
                    cache[ref.text] = resolvers.ssm(ref.name, ref.version, ref.service == "ssm-secure")
                except ClientError as exc:
                    if exc.code not in ("ParameterNotFound", "ParameterVersionNotFound"):
                        raise
                    missing.append(f"{ref.service}:{ref.name}" + (f":{ref.version}" if ref.version else ""))
    if missing:
        raise fail("ValidationError", f"Parameters: [{', '.join(dict.fromkeys(missing))}] cannot be found.")
    return cache


def processed(template: Template, region: str) -> Template:
    """``template`` with its transform applied (:mod:`.transform`), checked again as a whole."""
    text = expand(template.data, template.transforms)
    assert text is not None
    result = load(text, region)
    return dataclasses.replace(result, body=template.body, transforms=template.transforms, processed_body=text)


def prepare(
    stack: Stack,
    body: str | Template,
    given: list[dict[str, Any]],
    previous: dict[str, str] | None,
    capabilities: list[str],
    *,
    region: str,
    account_id: str,
    via_change_set: bool,
    ssm_value: Callable[[str], str | None],
    import_value: Callable[[str], Any],
    resolvers: Resolvers,
) -> Prepared:
    """Run every check of a stack operation (raises the AWS error; changes nothing)."""
    template = body if isinstance(body, Template) else load(body, region)
    check_capabilities(template, capabilities, via_change_set)
    if template.transforms and template.processed_body is None:
        template = processed(template, region)
        check_capabilities(template, capabilities, via_change_set)  # what the transform added may need IAM
    check_types(template, REGISTRY)
    parameters = resolve(template.parameters, given, previous, ssm_value)
    try:
        scope = Scope(stack, template, parameters, region=region, account_id=account_id, import_value=import_value)
    except TemplateError as exc:
        raise fail("ValidationError", str(exc)) from None
    _dry_run(scope)
    cache = _read_ssm_references(scope, resolvers)
    return Prepared(template, parameters, scope, cache)
