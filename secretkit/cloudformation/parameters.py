"""Stack parameters: the values a caller passes, checked against the template's declarations.

CloudFormation's rules, as :func:`resolve` applies them:

* Every declared parameter needs a value, given or defaulted; a missing one fails the call
  with ``Parameters: [A, B] must have values``. A value for a parameter the template does
  not declare fails with ``Parameters: [X] do not exist in the template``.
* ``UsePreviousValue: true`` (updates only) keeps the stack's current value.
* ``Number`` is checked as a number but ``Ref`` yields the *text*; ``List<Number>`` and
  ``CommaDelimitedList`` yield lists of text, items trimmed of surrounding spaces.
* ``AllowedValues``, ``AllowedPattern`` (the whole value must match), ``MinLength`` /
  ``MaxLength`` and ``MinValue`` / ``MaxValue`` are checked on every value, defaults
  included; ``ConstraintDescription`` replaces the explanation in the message.
* ``AWS::SSM::Parameter::Value<...>`` parameters take the *name* of a Parameter Store
  parameter. CloudFormation reads its current value on every create and update (so a
  changed value reaches the stack on the next update) and shows it as ``ResolvedValue``.
* ``NoEcho: true`` values appear as ``****`` wherever the stack is described.

AWS-specific types such as ``AWS::EC2::VPC::Id`` are checked as strings only (the kit
does not look the named EC2 objects up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .basis import PatternError, PatternTimeout, fail, matches
from .template import ParameterSpec

__all__ = ["MASK", "ParameterValue", "resolve", "check_given"]

MASK = "****"


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """A parameter's value for one stack operation.

    ``value`` is what the caller gave (or the default); for SSM parameter types it is the
    Parameter Store name, and ``resolved`` the value read from it. ``ref`` is what ``Ref``
    yields: a string, or a list of strings for list types.
    """

    key: str
    value: str
    resolved: str | None
    ref: Any
    no_echo: bool


def check_given(given: object) -> list[dict[str, Any]]:
    """The ``Parameters`` argument, checked for shape."""
    if given is None:
        return []
    if not isinstance(given, (list, tuple)):
        raise fail("ValidationError", "Parameters must be a list of {ParameterKey, ParameterValue} structures.")
    out = []
    for entry in given:
        if not isinstance(entry, dict) or not isinstance(entry.get("ParameterKey"), str):
            raise fail("ValidationError", "Every entry of Parameters needs a ParameterKey.")
        out.append(entry)
    return out


def _constraint(spec: ParameterSpec, default_message: str) -> Exception:
    if spec.constraint_description:
        return fail("ValidationError", f"Parameter '{spec.name}' failed to satisfy constraint: {spec.constraint_description}")
    return fail("ValidationError", default_message)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _check_one(spec: ParameterSpec, item: str) -> None:
    name = spec.name
    base = spec.type.removeprefix("List<").removesuffix(">")
    if base == "Number" or spec.type == "List<Number>":
        if not _is_number(item):
            raise fail("ValidationError", f"Parameter '{name}' must be a number.")
        number = float(item)
        if spec.min_value is not None and number < spec.min_value:
            raise _constraint(spec, f"Parameter '{name}' must be a number not less than {_num(spec.min_value)}")
        if spec.max_value is not None and number > spec.max_value:
            raise _constraint(spec, f"Parameter '{name}' must be a number not greater than {_num(spec.max_value)}")
    if spec.allowed_values is not None and item not in spec.allowed_values:
        raise _constraint(spec, f"Parameter '{name}' must be one of AllowedValues")
    if spec.allowed_pattern is not None and not _whole_match(spec, name, item):
        raise _constraint(spec, f"Parameter '{name}' must match pattern {spec.allowed_pattern}")
    if spec.min_length is not None and len(item) < spec.min_length:
        raise _constraint(spec, f"Parameter '{name}' must contain at least {spec.min_length} characters")
    if spec.max_length is not None and len(item) > spec.max_length:
        raise _constraint(spec, f"Parameter '{name}' must contain at most {spec.max_length} characters")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",")]


def resolve(
    specs: Mapping[str, ParameterSpec],
    given: list[dict[str, Any]],
    previous: Mapping[str, str] | None,
    ssm_value: Callable[[str], str | None],
) -> dict[str, ParameterValue]:
    """Each declared parameter's value for this operation (raises ``ValidationError``)."""
    unknown = [entry["ParameterKey"] for entry in given if entry["ParameterKey"] not in specs]
    if unknown:
        raise fail("ValidationError", f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    chosen: dict[str, str] = {}
    for entry in given:
        key = entry["ParameterKey"]
        if entry.get("UsePreviousValue"):
            if "ParameterValue" in entry:
                raise fail(
                    "ValidationError",
                    f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true and non empty value for a parameter",
                )
            if previous is None or key not in previous:
                raise fail("ValidationError", f"Invalid input for parameter key {key}. Need to specify either usePreviousValue as true or a value for the parameter")
            chosen[key] = previous[key]
        elif "ParameterValue" in entry:
            value = entry["ParameterValue"]
            if not isinstance(value, str):
                raise fail("ValidationError", f"Invalid input for parameter key {key}: ParameterValue must be a string")
            chosen[key] = value
    missing = [name for name, spec in specs.items() if name not in chosen and spec.default is None]
    if missing:
        raise fail("ValidationError", f"Parameters: [{', '.join(missing)}] must have values")
    out: dict[str, ParameterValue] = {}
    unfetched: list[str] = []
    for name, spec in specs.items():
        value = chosen.get(name, spec.default)
        assert value is not None
        resolved: str | None = None
        if spec.from_ssm:
            resolved = ssm_value(value)
            if resolved is None:
                unfetched.append(value)
                continue
        effective = resolved if resolved is not None else value
        items = _split(effective) if spec.is_list else [effective]
        if not spec.from_ssm:
            for item in items:
                _check_one(spec, item)
        ref: Any = items if spec.is_list else effective
        out[name] = ParameterValue(name, value, resolved, ref, spec.no_echo)
    if unfetched:
        raise fail("ValidationError", f"Unable to fetch parameters [{', '.join(unfetched)}] from parameter store for this account.")
    return out


def _whole_match(spec: ParameterSpec, name: str, item: str) -> bool:
    """Whether all of ``item`` matches the parameter's AllowedPattern, with the work bounded."""
    try:
        return matches(str(spec.allowed_pattern), item, whole=True)
    except PatternError:
        raise fail("ValidationError", f"Parameter '{name}' has an AllowedPattern that is not a valid regular expression") from None
    except PatternTimeout:
        raise fail("ValidationError", f"Parameter '{name}' could not be checked against its AllowedPattern: the match takes too long") from None
