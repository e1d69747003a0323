"""Templates decoded and checked by cfn-lint, the linter AWS maintains for CloudFormation.

cfn-lint knows every resource type's registry schema and every intrinsic function's shape,
so secretkit does not write a template parser of its own: this module hands the template
text to cfn-lint once and sorts what it finds into two piles.

Which findings count
--------------------
CloudFormation's servers reject far less than cfn-lint warns about, and a template AWS
would deploy must deploy here too. So only **errors** count (never warnings or
informational findings), and only from the rules that mirror a check AWS itself makes:

* :data:`TEMPLATE_RULES` mirror the checks CloudFormation makes on the template as a whole
  before it touches a resource (``ValidateTemplate`` makes the same ones): the file parses,
  the sections and their members have the right shape, every ``Ref``/``Fn::GetAtt``/
  ``DependsOn``/``Fn::Sub`` variable names something, the resource types exist, there is no
  dependency cycle, conditions exist, outputs have values, dynamic references sit where
  they may (the ``ssm-secure`` property list is checked by :mod:`.template`, in AWS's
  words, instead of cfn-lint's E1027). A finding here fails the call with
  ``ValidationError`` and changes nothing.
* :data:`PROPERTY_RULES` are the registry-schema checks (unknown, missing, mistyped or
  out-of-range properties). AWS makes these when it provisions the resource, so a finding
  makes *that resource* fail with ``Properties validation failed for resource X``, rolling
  the stack back, exactly as a stack event on AWS.

Everything else cfn-lint knows (best practices, cross-property advice, service rules such
as a valid RDS instance class or a Lambda runtime) is left out: the modelled services make
their own checks when the resource is created and fail it with their own error.

Speed
-----
Importing cfn-lint and loading its rules (which reads every rule module and a hundred or
so schema files) takes the better part of a second; it happens once per process, on the
first template. Checking a template then costs a few milliseconds per resource with the
rule subset above (about two and a half times less than with all of cfn-lint's rules), and
the result is cached by (template text, region), so a template deployed again, updated
with new parameter values or executed from a change set is not checked twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

__all__ = ["Finding", "LintReport", "PROPERTY_RULES", "TEMPLATE_RULES", "check", "plain"]

#: Rules whose errors CloudFormation raises on the template itself (``ValidationError``).
TEMPLATE_RULES = frozenset(
    """E0000 E1001 E1002 E1003 E1004 E1005 E1010 E1011 E1015 E1016 E1017 E1018 E1019 E1020
    E1021 E1022 E1024 E1028 E1030 E1031 E1050 E1051 E1052 E1101 E1700 E1701 E1702
    E2001 E2002 E2003 E2010 E2011 E3001 E3004 E3005 E3006 E3007 E3010 E3011 E3015 E3035
    E3036 E6001 E6002 E6003 E6004 E6005 E6010 E6011 E6101 E6102 E7001 E7002 E7010 E8001
    E8002 E8003 E8004 E8005 E8006 E8007""".split()
)
#: Registry-schema rules: AWS checks these when it provisions the resource.
PROPERTY_RULES = frozenset(
    """E3002 E3003 E3008 E3012 E3014 E3017 E3018 E3020 E3021 E3024 E3030 E3031 E3032 E3033
    E3034 E3037 E3040 E3058 E3065""".split()
)
_CACHE_SIZE = 128


@dataclass(frozen=True, slots=True)
class Finding:
    """One cfn-lint error: its rule, message, where in the template, and the line (1-based)."""

    rule: str
    message: str
    path: tuple[Any, ...] = ()
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class LintReport:
    """What cfn-lint made of one template text.

    ``template`` is the decoded template as plain dicts, lists and strings (YAML short
    forms already turned into their long forms), or ``None`` if the text did not parse.
    """

    template: dict[str, Any] | None
    parse_errors: tuple[Finding, ...] = ()
    template_findings: tuple[Finding, ...] = ()
    property_findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)


class _Linter:
    """cfn-lint's rules loaded once, trimmed to the rules above, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: Any = None
        self._configs: dict[str, Any] = {}
        self._cache: OrderedDict[tuple[str, str], LintReport] = OrderedDict()

    def _load(self) -> None:
        from cfnlint.config import ConfigMixIn
        from cfnlint.rules import Rules
        from cfnlint.runner import Runner

        everything = Runner(ConfigMixIn(regions=["us-east-1"])).rules
        keep = TEMPLATE_RULES | PROPERTY_RULES
        rules = Rules()
        for rule_id in sorted(keep):
            if rule_id in everything.data:
                rules.register(everything.data[rule_id])
        for rule in rules.data.values():
            # A parent rule calls its children directly; cut the children we do not want.
            for child in list(rule.child_rules):
                if child not in keep:
                    rule.child_rules[child] = None
        self._rules = rules

    def _config(self, region: str) -> Any:
        config = self._configs.get(region)
        if config is None:
            from cfnlint.config import ConfigMixIn

            config = self._configs[region] = ConfigMixIn(regions=[region])
        return config

    def check(self, text: str, region: str) -> LintReport:
        key = (text, region)
        with self._lock:
            report = self._cache.get(key)
            if report is not None:
                self._cache.move_to_end(key)
                return report
            report = self._check(text, region)
            self._cache[key] = report
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return report

    def _check(self, text: str, region: str) -> LintReport:
        try:
            from cfnlint.decode.decode import decode_str
        except ImportError:
            raise ImportError(
                "CloudFormation templates are checked with cfn-lint, which is not installed: "
                "install secretkit with its cloudformation extra (secretkit[cloudformation])"
            ) from None

        decoded, errors = decode_str(text)
        if errors:
            return LintReport(None, tuple(_finding(m) for m in errors))
        if not isinstance(decoded, dict):
            return LintReport(None, (Finding("E0000", "Template needs to be an object."),))
        if self._rules is None:
            self._load()
        from cfnlint.runner import run_template_by_data

        template_findings: list[Finding] = []
        property_findings: dict[str, list[Finding]] = {}
        for match in run_template_by_data(decoded, self._config(region), self._rules):
            if match.rule.severity != "error":
                continue
            found = _finding(match)
            if found.rule in PROPERTY_RULES and len(found.path) >= 2 and found.path[0] == "Resources":
                property_findings.setdefault(str(found.path[1]), []).append(found)
            elif found.rule in TEMPLATE_RULES:
                template_findings.append(found)
        return LintReport(
            plain(decoded),
            (),
            tuple(template_findings),
            {name: tuple(found) for name, found in property_findings.items()},
        )


def _finding(match: Any) -> Finding:
    path = tuple(getattr(match, "path", None) or ())
    return Finding(match.rule.id, str(match.message), path, int(match.linenumber or 0), int(match.columnnumber or 0))


def plain(node: Any) -> Any:
    """A decoded template as plain built-in types (cfn-lint's nodes subclass them).

    Unquoted YAML dates (``AWSTemplateFormatVersion: 2010-09-09``) become their ISO text,
    which is what CloudFormation reads there.
    """
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (date, datetime)):
        return node.isoformat()
    return node


_LINTER = _Linter()


def check(text: str, region: str = "us-east-1") -> LintReport:
    """Decode and check ``text`` for ``region`` (cached; cfn-lint loads on the first call)."""
    return _LINTER.check(text, region)
