"""The intrinsic functions, evaluated: ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and the rest.

An :class:`Evaluator` turns a template value (a string, a list, a dict, or a one-key dict
naming a function) into the value CloudFormation hands the resource. What a name *means*
comes from outside, through four callables: ``ref(name)`` (a parameter, a pseudo
parameter or a resource's Ref value), ``get_att(logical_id, attribute)``,
``condition(name)`` and ``import_value(export_name)``.

Two sentinels travel through the evaluation:

* :data:`NO_VALUE` is ``Ref: AWS::NoValue``. Inside a dict it removes the key, inside a
  list the item, as CloudFormation does (``Fn::If: [Cond, x, !Ref AWS::NoValue]``).
* :data:`UNKNOWN` is a value not known yet: a resource's Ref before the resource exists.
  Functions over it yield it again. The engine evaluates a whole template with every
  resource unknown before it makes anything, so every error that does not depend on a
  resource (a missing mapping key, a bad ``Fn::Select`` index) is found while nothing
  has changed.

Errors are :class:`TemplateError`, carrying CloudFormation's wording.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any, Callable, Mapping

__all__ = ["Evaluator", "NO_VALUE", "TemplateError", "UNKNOWN", "availability_zones", "text"]


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NO_VALUE: Any = _Sentinel("NO_VALUE")
UNKNOWN: Any = _Sentinel("UNKNOWN")
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class TemplateError(Exception):
    """A template that cannot be evaluated; ``str(error)`` is CloudFormation's message."""


def text(value: Any) -> str:
    """A scalar as CloudFormation writes it into a string (``true``, ``5``, ``1.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def availability_zones(region: str) -> list[str]:
    """``Fn::GetAZs``: the kit gives every region the three zones ``a``, ``b`` and ``c``.

    (On AWS the list depends on the region and the account; most regions have three.)
    """
    return [f"{region}{letter}" for letter in "abc"]


class Evaluator:
    """Evaluate template values against the names one stack operation knows."""

    def __init__(
        self,
        region: str,
        mappings: Mapping[str, Any],
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any],
        condition: Callable[[str], bool],
        import_value: Callable[[str], Any],
    ) -> None:
        self.region = region
        self.mappings = mappings
        self._ref = ref
        self._get_att = get_att
        self._condition = condition
        self._import = import_value
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._fn_ref,
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Sub": self._fn_sub,
            "Fn::Join": self._fn_join,
            "Fn::Select": self._fn_select,
            "Fn::Split": self._fn_split,
            "Fn::If": self._fn_if,
            "Fn::FindInMap": self._fn_find_in_map,
            "Fn::Base64": self._fn_base64,
            "Fn::GetAZs": self._fn_get_azs,
            "Fn::ImportValue": self._fn_import,
            "Fn::Cidr": self._fn_cidr,
            "Fn::Equals": lambda args: self.condition_value({"Fn::Equals": args}),
            "Fn::And": lambda args: self.condition_value({"Fn::And": args}),
            "Fn::Or": lambda args: self.condition_value({"Fn::Or": args}),
            "Fn::Not": lambda args: self.condition_value({"Fn::Not": args}),
        }

    # ------------------------------------------------------------------ values
    def value(self, node: Any) -> Any:
        """The evaluated ``node`` (may be :data:`NO_VALUE` or contain :data:`UNKNOWN`)."""
        if isinstance(node, dict):
            if len(node) == 1:
                (key,) = node
                function = self._functions.get(key)
                if function is not None:
                    return function(node[key])
            out = {}
            for key, item in node.items():
                got = self.value(item)
                if got is not NO_VALUE:
                    out[key] = got
            return out
        if isinstance(node, list):
            items = [self.value(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        return node

    def _string(self, node: Any, where: str) -> Any:
        got = self.value(node)
        if got is UNKNOWN:
            return UNKNOWN
        if isinstance(got, (dict, list)):
            raise TemplateError(f"Template error: every {where} must be a string")
        return text(got)

    def _list(self, node: Any, where: str) -> Any:
        got = self.value(node)
        if got is UNKNOWN:
            return UNKNOWN
        if not isinstance(got, list):
            raise TemplateError(f"Template error: {where} requires a list")
        return got

    # ----------------------------------------------------------------- functions
    def _fn_ref(self, name: Any) -> Any:
        return self._ref(str(name))

    def _fn_get_att(self, args: Any) -> Any:
        if isinstance(args, str):
            args = args.split(".", 1)
        logical_id, attribute = args[0], self.value(args[1])
        if attribute is UNKNOWN:
            return UNKNOWN
        return self._get_att(str(logical_id), str(attribute))

    def _fn_sub(self, args: Any) -> Any:
        if isinstance(args, list):
            pattern, given = args[0], args[1] if len(args) > 1 else {}
        else:
            pattern, given = args, {}
        variables = {name: self.value(node) for name, node in given.items()}
        unknown = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            name = inner.strip()
            if name in variables:
                got = variables[name]
            elif "." in name:
                logical_id, attribute = name.split(".", 1)
                got = self._get_att(logical_id, attribute)
            else:
                got = self._ref(name)
            if got is UNKNOWN:
                unknown = True
                return ""
            if isinstance(got, (dict, list)):
                raise TemplateError("Template error: variable names in Fn::Sub syntax must contain only strings")
            return text(got)

        out = _SUB_VAR.sub(replace, str(pattern))
        return UNKNOWN if unknown else out

    def _fn_join(self, args: Any) -> Any:
        delimiter, items = args[0], self._list(args[1], "Fn::Join")
        if items is UNKNOWN or any(item is UNKNOWN for item in items):
            return UNKNOWN
        parts = []
        for item in items:
            if isinstance(item, (dict, list)):
                raise TemplateError("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
            parts.append(text(item))
        return str(delimiter).join(parts)

    def _fn_select(self, args: Any) -> Any:
        index, items = self.value(args[0]), self._list(args[1], "Fn::Select")
        if index is UNKNOWN or items is UNKNOWN:
            return UNKNOWN
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise TemplateError("Template error: Fn::Select requires a list argument with two elements: an integer index and a list") from None
        if not 0 <= position < len(items):
            raise TemplateError(f"Template error: Fn::Select cannot select nonexistent value at index {position}")
        return items[position]

    def _fn_split(self, args: Any) -> Any:
        delimiter, source = str(args[0]), self._string(args[1], "Fn::Split source")
        if source is UNKNOWN:
            return UNKNOWN
        return source.split(delimiter)

    def _fn_if(self, args: Any) -> Any:
        name, if_true, if_false = args
        return self.value(if_true if self._condition(str(name)) else if_false)

    def _fn_find_in_map(self, args: Any) -> Any:
        name, top, second = (self.value(a) for a in args[:3])
        if UNKNOWN in (name, top, second):
            return UNKNOWN
        try:
            return self.mappings[str(name)][text(top)][text(second)]
        except (KeyError, TypeError):
            raise TemplateError(f"Template error: Unable to get mapping for {name}::{top}::{second}") from None

    def _fn_base64(self, node: Any) -> Any:
        got = self._string(node, "Fn::Base64 argument")
        if got is UNKNOWN:
            return UNKNOWN
        return base64.b64encode(got.encode()).decode()

    def _fn_get_azs(self, node: Any) -> Any:
        region = self.value(node)
        if region is UNKNOWN:
            return UNKNOWN
        return availability_zones(text(region) or self.region)

    def _fn_import(self, node: Any) -> Any:
        name = self._string(node, "Fn::ImportValue argument")
        if name is UNKNOWN:
            return UNKNOWN
        return self._import(name)

    def _fn_cidr(self, args: Any) -> Any:
        block, count, bits = (self.value(a) for a in args[:3])
        if UNKNOWN in (block, count, bits):
            return UNKNOWN
        try:
            network = ipaddress.ip_network(str(block), strict=False)
            prefix = network.max_prefixlen - int(bits)
            subnets = network.subnets(new_prefix=prefix)
            out = [str(next(subnets)) for _ in range(int(count))]
        except (ValueError, StopIteration):
            raise TemplateError(f"Template error: Fn::Cidr cannot make {count} subnets of {bits} bits from {block}") from None
        return out

    # ---------------------------------------------------------------- conditions
    def condition_value(self, node: Any) -> bool:
        """Evaluate a condition expression (``Fn::Equals`` / ``And`` / ``Or`` / ``Not`` / ``Condition``)."""
        if isinstance(node, dict) and len(node) == 1:
            (key,) = node
            args = node[key]
            if key == "Condition":
                return self._condition(str(args))
            if key == "Fn::Equals":
                left, right = (self.value(a) for a in args)
                return _same(left, right)
            if key == "Fn::And":
                return all(self.condition_value(a) for a in args)
            if key == "Fn::Or":
                return any(self.condition_value(a) for a in args)
            if key == "Fn::Not":
                return not self.condition_value(args[0])
        got = self.value(node)
        if isinstance(got, bool):
            return got
        if isinstance(got, str) and got.lower() in ("true", "false"):
            return got.lower() == "true"
        raise TemplateError("Template format error: Conditions can only be boolean operations on parameters and mappings")


def _same(left: Any, right: Any) -> bool:
    """``Fn::Equals`` compares values as CloudFormation does: scalars by their text."""
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)
    return text(left) == text(right)
