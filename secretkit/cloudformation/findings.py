"""cfn-lint's findings turned into the message CloudFormation itself returns.

CloudFormation answers a bad template with one ``ValidationError`` whose message names
the first kind of problem it met, listing every instance of that kind::

    Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template
    Template format error: Unrecognized resource types: [AWS::Foo::Bar]
    Circular dependency between resources: [A, B]
    Template error: instance of Fn::GetAtt references undefined resource Nope

:func:`template_message` ranks cfn-lint's findings the way AWS's checks run (syntax, then
the sections, then parameters, resources and their types, then references, conditions,
cycles and outputs) and words the first kind as AWS does. Where AWS's wording for a kind
is not known, the message is ``Template format error:`` followed by cfn-lint's own text.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from .lint import Finding, LintReport

__all__ = ["template_message", "property_message"]

_NOT_ONE_OF = re.compile(r"^'(.*?)' is not one of")
_UNEXPECTED = re.compile(r"\(((?:'[^']*'(?:, )?)+) (?:was|were) unexpected")
_FORMAT = "Template format error: "


def _value(found: Finding) -> str:
    match = _NOT_ONE_OF.match(found.message)
    return match.group(1) if match else found.message


def _unexpected(found: Finding) -> list[str]:
    match = _UNEXPECTED.search(found.message)
    return re.findall(r"'([^']*)'", match.group(1)) if match else []


def _parse(report: LintReport, text: str) -> str | None:
    if not report.parse_errors:
        return None
    first = report.parse_errors[0]
    kind = "JSON" if text.lstrip().startswith("{") else "YAML"
    where = f" (line {first.line}, column {first.column})" if first.line else ""
    return f"{_FORMAT}{kind} not well-formed.{where}"


def _sections(findings: list[Finding], template: Any) -> str | None:
    for found in findings:
        if found.rule != "E1001":
            continue
        if "'Resources' is a required property" in found.message:
            return f"{_FORMAT}At least one Resources member must be defined."
        names = _unexpected(found)
        if names:
            extra = sorted({n for f in findings if f.rule == "E1001" for n in _unexpected(f)})
            return f"{_FORMAT}Invalid template property or properties [{', '.join(extra)}]"
        if found.path[:1] == ("AWSTemplateFormatVersion",):
            return f"{_FORMAT}Unsupported template format version. The only valid value is 2010-09-09."
        return f"{_FORMAT}{found.message}"
    return None


def _parameters(findings: list[Finding], template: Any) -> str | None:
    for found in findings:
        if found.rule == "E2002":
            return f"{_FORMAT}Unrecognized parameter type: {_value(found)}"
        if found.rule == "E2001":
            names = _unexpected(found) or [_value(found)]
            return f"{_FORMAT}Invalid template parameter property '{names[0]}'"
        if found.rule.startswith("E2"):
            return f"{_FORMAT}{found.message}"
    return None


def _resources(findings: list[Finding], template: Any) -> str | None:
    for found in findings:
        if found.rule != "E3001":
            continue
        if "'Type' is a required property" in found.message:
            return f"{_FORMAT}Every Resources object must contain a Type member."
        names = _unexpected(found)
        if names:
            return f"{_FORMAT}Invalid template resource property '{names[0]}'"
        if "does not match any of the regexes" in found.message and len(found.path) >= 2:
            return f"{_FORMAT}Resource name {found.path[1]} is non alphanumeric."
        return f"{_FORMAT}{found.message}"
    return None


def _types(findings: list[Finding], template: Any) -> str | None:
    unknown = _ordered(re.sub(r"^Resource type '(.*?)'.*$", r"\1", f.message) for f in findings if f.rule == "E3006")
    if unknown:
        return f"{_FORMAT}Unrecognized resource types: [{', '.join(unknown)}]"
    return None


def _at(template: Any, path: tuple[Any, ...]) -> Any:
    node = template
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _references(findings: list[Finding], template: Any) -> str | None:
    for found in findings:
        if found.rule == "E1010" and _NOT_ONE_OF.match(found.message):
            if found.path and found.path[-1] == 1:
                getatt = _at(template, found.path[:-1])
                target = getatt[0] if isinstance(getatt, list) and getatt else "?"
                return f"Template error: resource {target} does not support attribute type {_value(found)} in Fn::GetAtt"
            return f"Template error: instance of Fn::GetAtt references undefined resource {_value(found)}"
    unresolved: dict[str, list[str]] = {}
    for found in findings:
        if found.rule in {"E1020", "E1019", "E3005", "E6101"} and _NOT_ONE_OF.match(found.message) and found.path:
            names = unresolved.setdefault(str(found.path[0]), [])
            if _value(found) not in names:
                names.append(_value(found))
    for block in ("Resources", "Outputs", "Conditions"):
        if block in unresolved:
            names = ", ".join(unresolved[block])
            return f"{_FORMAT}Unresolved resource dependencies [{names}] in the {block} block of the template"
    return None


def _conditions(findings: list[Finding], template: Any) -> str | None:
    missing = _ordered(_value(f) for f in findings if f.rule in {"E3015", "E1028", "E8002", "E6005"} and _NOT_ONE_OF.match(f.message))
    if missing:
        return f"{_FORMAT}Unresolved condition dependencies [{', '.join(missing)}] in the template"
    return None


def _cycles(findings: list[Finding], template: Any) -> str | None:
    names = sorted({str(f.path[1]) for f in findings if f.rule == "E3004" and len(f.path) >= 2})
    if names:
        return f"Circular dependency between resources: [{', '.join(names)}]"
    return None


def _outputs(findings: list[Finding], template: Any) -> str | None:
    for found in findings:
        if found.rule == "E6002":
            return f"{_FORMAT}Every Outputs member must contain a Value object"
    return None


def _ordered(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


_CHECKS: tuple[Callable[[list[Finding], Any], str | None], ...] = (
    _sections,
    _parameters,
    _resources,
    _types,
    _references,
    _conditions,
    _cycles,
    _outputs,
)


def template_message(report: LintReport, text: str) -> str | None:
    """AWS's ``ValidationError`` message for the template, or ``None`` if it passes."""
    parsed = _parse(report, text)
    if parsed is not None:
        return parsed
    findings = list(report.template_findings)
    if not findings:
        return None
    for rank in _CHECKS:
        message = rank(findings, report.template)
        if message is not None:
            return message
    return f"{_FORMAT}{findings[0].message}"


def property_message(logical_id: str, findings: tuple[Finding, ...]) -> str:
    """The resource failure AWS reports when a resource's properties break its schema.

    AWS's registry validator words each problem as a JSON pointer plus a phrase
    (``#: extraneous key [Foo] is not permitted``, ``#: required key [Value] not found``);
    the two commonest are worded that way here, the rest keep cfn-lint's phrase.
    """
    parts = []
    for found in findings:
        pointer = "#/" + "/".join(str(p) for p in found.path[3:]) if len(found.path) > 3 else "#"
        extra = _unexpected(found)
        required = re.match(r"^'(.*?)' is a required property$", found.message)
        if extra:
            parent = "#/" + "/".join(str(p) for p in found.path[3:-1]) if len(found.path) > 4 else "#"
            parts.extend(f"{parent}: extraneous key [{name}] is not permitted" for name in extra)
        elif required:
            parts.append(f"{pointer}: required key [{required.group(1)}] not found")
        else:
            parts.append(f"{pointer}: {found.message}")
    return f"Properties validation failed for resource {logical_id} with message: [{', '.join(parts)}]"
