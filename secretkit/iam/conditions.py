"""The ``Condition`` element: operators, keys and values, and how they meet the request.

A condition block reads ``{Operator: {Key: value or [values]}}``. Every operator in the
block must hold, and every key under an operator must hold (AND); the values listed for
one key are alternatives (OR). Keys are matched ignoring case, values are not (except by
the ``...IgnoreCase`` operators).

The request context holds, for each key it knows, one or more string values. An
operator is decided like this:

* **key absent**: ``...IfExists`` is true; ``Null`` tests absence itself (``"true"`` means
  "the key is absent"); ``ForAllValues:`` is true (there is nothing to disagree) and
  ``ForAnyValue:`` false; any other positive operator is false and a negated one
  (``StringNotEquals``, ``ArnNotLike``, ``NotIpAddress``...) is true, as AWS documents;
* **key present**: a positive operator holds when some request value matches some policy
  value; a negated one when no request value matches any policy value.
  ``ForAnyValue:`` asks that at least one request value pass the (possibly negated) test,
  ``ForAllValues:`` that every one does.

Families: strings (``StringLike`` takes ``*``/``?``), numbers, dates (ISO 8601 or epoch
seconds; ``aws:CurrentTime`` comes from the simulated clock), booleans, base-64 binary, IP
addresses and CIDR ranges, ARNs (field by field, see :mod:`secretkit.iam.matching`).
Policy variables may appear in string, ARN and boolean values only.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta, timezone
from typing import Callable

from .matching import Lookup, Template, compile_arn, compile_glob, parse_template

__all__ = ["BASE_OPERATORS", "Clause", "parse_operator", "parse_policy_date"]

# base operator -> (family, negated, comparison)
BASE_OPERATORS: dict[str, tuple[str, bool, str]] = {
    "StringEquals": ("string", False, "eq"),
    "StringNotEquals": ("string", True, "eq"),
    "StringEqualsIgnoreCase": ("string", False, "ieq"),
    "StringNotEqualsIgnoreCase": ("string", True, "ieq"),
    "StringLike": ("string", False, "like"),
    "StringNotLike": ("string", True, "like"),
    "NumericEquals": ("numeric", False, "eq"),
    "NumericNotEquals": ("numeric", True, "eq"),
    "NumericLessThan": ("numeric", False, "lt"),
    "NumericLessThanEquals": ("numeric", False, "le"),
    "NumericGreaterThan": ("numeric", False, "gt"),
    "NumericGreaterThanEquals": ("numeric", False, "ge"),
    "DateEquals": ("date", False, "eq"),
    "DateNotEquals": ("date", True, "eq"),
    "DateLessThan": ("date", False, "lt"),
    "DateLessThanEquals": ("date", False, "le"),
    "DateGreaterThan": ("date", False, "gt"),
    "DateGreaterThanEquals": ("date", False, "ge"),
    "Bool": ("bool", False, "eq"),
    "BinaryEquals": ("binary", False, "eq"),
    "IpAddress": ("ip", False, "in"),
    "NotIpAddress": ("ip", True, "in"),
    "ArnEquals": ("arn", False, "like"),
    "ArnLike": ("arn", False, "like"),
    "ArnNotEquals": ("arn", True, "like"),
    "ArnNotLike": ("arn", True, "like"),
    "Null": ("null", False, "null"),
}
_VARIABLE_FAMILIES = {"string", "arn", "bool"}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}
_DATE_RE = re.compile(
    r"(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"
    r"(?:[Tt](?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_EPOCH_RE = re.compile(r"[+-]?\d{1,20}", re.ASCII)  # a signed 64-bit number has 19 digits
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_operator(name: str) -> tuple[str | None, str, bool] | None:
    """``(quantifier, base operator, if_exists)`` for a written operator, or ``None``.

    ``ForAnyValue:StringLikeIfExists`` gives ``("any", "StringLike", True)``.
    """
    quantifier = None
    rest = name
    if ":" in name:
        prefix, _, rest = name.partition(":")
        if prefix == "ForAnyValue":
            quantifier = "any"
        elif prefix == "ForAllValues":
            quantifier = "all"
        else:
            return None
    if_exists = rest.endswith("IfExists")
    base = rest[: -len("IfExists")] if if_exists else rest
    if base not in BASE_OPERATORS or (if_exists and base == "Null"):
        return None
    return quantifier, base, if_exists


def parse_policy_date(text: str) -> float | None:
    """Seconds since the epoch for a date IAM accepts in a policy, or ``None``.

    IAM takes ISO 8601 with parts left off (``2026-01``, ``2026-01-01T09``), a lower-case
    ``t``, up to nine fractional digits, ``Z`` or a ``+hh[:mm]`` offset, and whole epoch
    seconds that fit in a signed 64-bit number (so ``2026`` alone is 2,026 seconds).
    """
    if _EPOCH_RE.fullmatch(text):
        number = int(text)
        return float(number) if _LONG_MIN <= number <= _LONG_MAX else None
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    try:
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
    seconds = (moment - _EPOCH).total_seconds()
    if fraction:
        seconds += int(fraction) / 10 ** len(fraction)
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            return None
        seconds -= sign * timedelta(hours=hours, minutes=minutes).total_seconds()
    return seconds


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


class Clause:
    """One ``operator / key / values`` triple of a Condition block, ready to evaluate."""

    __slots__ = (
        "operator", "base", "key", "key_lower", "values", "quantifier", "if_exists",
        "family", "negated", "comparison", "_typed", "_templates",
    )

    def __init__(self, operator: str, key: str, values: tuple[str, ...], variables: bool) -> None:
        parsed = parse_operator(operator)
        if parsed is None:
            raise ValueError(f"unknown condition operator {operator!r}")
        self.operator = operator
        self.quantifier, self.base, self.if_exists = parsed
        self.family, self.negated, self.comparison = BASE_OPERATORS[self.base]
        self.key = key
        self.key_lower = key.lower()
        self.values = values
        self._templates: tuple[Template, ...] = ()
        typed: list[object] = []
        if self.family in _VARIABLE_FAMILIES and variables:
            fixed = []
            templates = []
            for v in values:
                t = parse_template(v, True)
                (templates if isinstance(t, Template) else fixed).append(t)
            self._templates = tuple(templates)  # type: ignore[arg-type]
            values = tuple(fixed)  # type: ignore[arg-type]
        for v in values:
            typed.append(self._policy_value(v))
        self._typed = tuple(t for t in typed if t is not None)

    # ----------------------------------------------------------------- policy side
    def _policy_value(self, v: str) -> object | None:
        family = self.family
        if family == "string":
            if self.comparison == "like":
                return compile_glob(v)
            return v.casefold() if self.comparison == "ieq" else v
        if family == "arn":
            return compile_arn(v)
        if family == "numeric":
            return _number(v)
        if family == "date":
            return parse_policy_date(v)
        if family == "bool":
            return v.lower()
        if family == "ip":
            return _network(v)
        return v  # binary (base-64 text) and null ("true"/"false")

    def invalid_dates(self) -> list[str]:
        """The values of a date operator IAM would refuse (the grammar reports them)."""
        if self.family != "date":
            return []
        return [v for v in self.values if parse_policy_date(v) is None]

    # ---------------------------------------------------------------- request side
    def _one(self, request_value: str, typed: tuple[object, ...]) -> bool:
        """Whether one request value matches any of the policy values (the positive test)."""
        family, comparison = self.family, self.comparison
        if family == "string":
            if comparison == "eq":
                return request_value in typed
            if comparison == "ieq":
                return request_value.casefold() in typed
            return any(p.match(request_value) for p in typed)  # type: ignore[attr-defined]
        if family == "arn":
            return any(p.match(request_value) for p in typed)  # type: ignore[attr-defined]
        if family == "bool":
            return request_value.lower() in typed
        if family == "binary":
            return request_value in typed
        if family == "numeric":
            number = _number(request_value)
            cmp = _COMPARE[comparison]
            return number is not None and any(cmp(number, p) for p in typed)  # type: ignore[arg-type]
        if family == "date":
            moment = parse_policy_date(request_value)
            cmp = _COMPARE[comparison]
            return moment is not None and any(cmp(moment, p) for p in typed)  # type: ignore[arg-type]
        if family == "ip":
            try:
                address = ipaddress.ip_address(request_value.split("/")[0])
            except ValueError:
                return False
            return any(address in p for p in typed)  # type: ignore[operator]
        return False

    def _policy_values(self, lookup: Lookup) -> tuple[object, ...]:
        if not self._templates:
            return self._typed
        extra = []
        for template in self._templates:
            filled = template.fill(lookup)
            if filled is not None:
                value = self._policy_value(filled)
                if value is not None:
                    extra.append(value)
        return self._typed + tuple(extra)

    def holds(self, lookup: Lookup) -> bool:
        """Whether this condition is satisfied by the request context behind ``lookup``."""
        return self.decide(lookup(self.key_lower), lookup)

    def decide(self, found: tuple[str, ...] | None, lookup: Lookup) -> bool:
        """:meth:`holds` for request values already looked up (``lookup`` fills variables)."""
        if self.family == "null":
            absent = not found
            return any((v.lower() == "true") == absent for v in self.values)
        if found is None:
            if self.if_exists or self.quantifier == "all":
                return True
            if self.quantifier == "any":
                return False
            return self.negated
        typed = self._policy_values(lookup)
        if self.quantifier is None:
            hit = any(self._one(v, typed) for v in found)
            return not hit if self.negated else hit
        if self.negated:
            results = (not self._one(v, typed) for v in found)
        else:
            results = (self._one(v, typed) for v in found)
        return all(results) if self.quantifier == "all" else any(results)

    def describe(self) -> str:
        """``StringEquals aws:ResourceTag/env = "prod"`` (for explanations)."""
        shown = " or ".join(f'"{v}"' for v in self.values) if self.values else "(no value)"
        return f"{self.operator} {self.key} = {shown}"

    def __repr__(self) -> str:
        return f"Clause({self.describe()})"
