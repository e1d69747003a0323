"""The policy language: JSON text to statement records, checked in the order IAM checks.

IAM reads a document in passes and reports the first problem it meets, with its own
wording (its messages are reproduced here; the service that received the document may
translate them, see :mod:`secretkit.iam.documents`):

1. **syntax** (``Syntax errors in policy.``): the text must be a JSON object with only
   ``Version``, ``Id`` and ``Statement``; ``Statement`` one object or a non-empty list of
   objects, each holding only the known elements with the right types; ``Effect``
   present; never both ``Action`` and ``NotAction`` (nor ``Resource``/``NotResource``,
   ``Principal``/``NotPrincipal``); a ``Condition`` whose operators IAM knows;
2. **version**: managed policies must say ``"Version": "2012-10-17"``;
3. **legacy parsing** (``The policy failed legacy parsing``): ``Effect`` spelled exactly
   ``Allow``/``Deny``, dates a date operator can read, ARNs of four or five fields or
   without a service;
4. statement ids unique, then the elements each kind of policy requires or forbids
   (actions, resources, principals; no ``Resource`` in a trust policy...);
5. the shape of each resource ARN and each action (``vendor:Action``), then that identity
   policies name resources.

IAM does not check that an action exists: ``secretsmanager:GetSecretValu`` is accepted and
simply matches nothing (IAM Access Analyzer, not IAM, warns about it). The kit does the
same, so a student's typo behaves as on AWS: silently useless.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .conditions import Clause, parse_operator
from .matching import ActionMatcher, PatternMatcher

__all__ = ["PolicySyntaxError", "Principals", "Rules", "Statement", "parse_statements", "TRUST_ACTIONS"]

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
_TOP_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
_PRINCIPAL_KEYS = {"AWS", "Service", "Federated", "CanonicalUser"}
_VERSIONS = {"2008-10-17", "2012-10-17"}
_PARTITIONS = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc", "*"}
_IAM_PATHS = (
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/",
    "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
)
_VENDOR_RE = re.compile(r"[A-Za-z0-9_.*?-]+")
_ACCOUNT_RE = re.compile(r"\d{12}", re.ASCII)
_AWS_PRINCIPAL_RE = re.compile(
    r"arn:aws[a-z-]*:iam::\d{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)"
    r"|arn:aws[a-z-]*:sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+"
    r"|A(IDA|ROA)[A-Z0-9]{13,}"
)
_SERVICE_RE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?")
#: What a role trust policy may allow (IAM refuses anything else, wildcards included).
TRUST_ACTIONS = frozenset({
    "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
    "sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
})


class PolicySyntaxError(Exception):
    """A document IAM would refuse: ``message`` in IAM's words, ``reason`` a short tag.

    Reasons: ``syntax``, ``version``, ``legacy``, ``sid``, ``principal-forbidden``,
    ``no-principal``, ``bad-principal``, ``bad-service``, ``resource-forbidden``,
    ``trust-action``, ``no-action``, ``no-resource``, ``action``, ``resource``.
    """

    def __init__(self, message: str, reason: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Rules:
    """What one kind of policy requires: principals, resources, actions, version."""

    version_required: bool = False
    principal: str = "forbidden"  # forbidden | required
    resource: str = "required"  # required | optional | forbidden
    action: str = "required"  # required | optional | trust
    no_principal_message: str = SYNTAX


@dataclass(frozen=True, slots=True)
class Principals:
    """A ``Principal``/``NotPrincipal`` element, normalised (account ids become root ARNs)."""

    anyone: bool
    aws: frozenset[str]
    services: frozenset[str]
    others: frozenset[str]  # Federated and CanonicalUser values, kept for display


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement, compiled for evaluation (``index`` counts from 0)."""

    index: int
    sid: str | None
    allow: bool
    actions: ActionMatcher | None
    not_action: bool
    resources: PatternMatcher | None
    not_resource: bool
    principals: Principals | None
    not_principal: bool
    conditions: tuple[Clause, ...]

    @property
    def effect(self) -> str:
        return "Allow" if self.allow else "Deny"

    @property
    def label(self) -> str:
        """``'ReadOwnSecret'`` when the statement has a Sid, else ``#2`` (its position)."""
        return f"'{self.sid}'" if self.sid else f"#{self.index + 1}"


def _fail(reason: str, message: str = SYNTAX, detail: str = "") -> PolicySyntaxError:
    return PolicySyntaxError(message, reason, detail)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _load(text: object) -> dict[str, Any]:
    if not isinstance(text, str):
        raise _fail("syntax")
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise _fail("syntax") from None
    if not isinstance(doc, dict):
        raise _fail("syntax")
    return doc


def _strings(value: Any) -> list[str]:
    """An element that may be one string or a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _fail("syntax")


def _condition_values(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for v in items:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, (int, float, str)):
            out.append(v if isinstance(v, str) else json.dumps(v))
        else:
            raise _fail("syntax")
    return tuple(out)


def _principals(value: Any) -> tuple[Principals, list[tuple[str, str]]]:
    """The element normalised, plus every (type, value) written, for the later checks."""
    if value == "*":
        return Principals(True, frozenset(), frozenset(), frozenset()), []
    if not isinstance(value, dict) or not value or set(value) - _PRINCIPAL_KEYS:
        raise _fail("syntax")
    written: list[tuple[str, str]] = []
    aws, services, others = set(), set(), set()
    anyone = False
    for kind, raw in value.items():
        for v in _strings(raw):
            written.append((kind, v))
            if kind == "AWS":
                if v == "*":
                    anyone = True
                elif _ACCOUNT_RE.fullmatch(v):
                    aws.add(f"arn:aws:iam::{v}:root")
                else:
                    aws.add(v)
            elif kind == "Service":
                services.add(v)
            else:
                others.add(v)
    return Principals(anyone, frozenset(aws), frozenset(services), frozenset(others)), written


def _conditions(value: Any, variables: bool) -> tuple[tuple[Clause, ...], list[Clause]]:
    if not isinstance(value, dict):
        raise _fail("syntax")
    clauses: list[Clause] = []
    for operator, body in value.items():
        if not isinstance(body, dict):
            raise _fail("syntax")
        if body and parse_operator(operator) is None:
            raise _fail("syntax")
        for key, raw in body.items():
            clauses.append(Clause(operator, key, _condition_values(raw), variables))
    return tuple(clauses), clauses


def _arn_fields(value: str) -> list[str]:
    fields = value.split(":")
    fields[0] = "arn"
    return fields + ["*"] * (6 - len(fields))


def _check_resource(value: str) -> None:
    if value == "*":
        return
    if ":" not in value:
        raise _fail("resource", f'Resource {value} must be in ARN format or "*".')
    fields = _arn_fields(value)
    if fields[1] not in _PARTITIONS:
        raise _fail("resource", f'Partition "{fields[1]}" is not valid for resource "{":".join(fields)}".')
    service, region, resource = fields[2], fields[3], ":".join(fields[5:])
    if not service or "*" in service or "?" in service:
        raise _fail("resource", "Resource vendor must be fully qualified and cannot contain regexes.")
    if service == "iam":
        if region:
            raise _fail("resource", f"IAM resource {value} cannot contain region information.")
        if resource != "*" and not resource.startswith(_IAM_PATHS):
            raise _fail("resource", 'IAM resource path must either be "*" or start with ' + ", ".join(_IAM_PATHS) + ".")
    if service == "s3" and region and not resource.startswith("accesspoint/"):
        raise _fail("resource", f"Resource {value} can not contain region information.")


def _legacy_resource(value: str) -> bool:
    if not value.startswith("arn:"):
        return False
    fields = value.split(":")
    return len(fields) in (4, 5) or (len(fields) >= 3 and not fields[2])


def _check_action(value: str) -> None:
    if value == "*":
        return
    if ":" not in value:
        raise _fail("action", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    if value.count(":") > 1:
        raise _fail("action", "Actions/Condition can contain only one colon.")
    vendor = value.split(":", 1)[0]
    if not _VENDOR_RE.fullmatch(vendor):
        raise _fail("action", f"Vendor {vendor} is not valid")


def _check_principal(kind: str, value: str, rules: Rules) -> None:
    if kind == "AWS" and not (value == "*" or _ACCOUNT_RE.fullmatch(value) or _AWS_PRINCIPAL_RE.fullmatch(value)):
        raise _fail("bad-principal", f'Invalid principal in policy: "AWS":"{value}"', value)
    if kind == "Service" and not _SERVICE_RE.fullmatch(value):
        raise _fail("bad-service", f'Invalid principal in policy: "SERVICE":"{value}"', value)


def parse_statements(text: object, rules: Rules) -> tuple[str, str | None, tuple[Statement, ...]]:
    """``(version, id, statements)`` of a policy document, or :class:`PolicySyntaxError`."""
    doc = _load(text)
    # ---- pass 1: syntax
    if set(doc) - _TOP_KEYS or "Statement" not in doc:
        raise _fail("syntax")
    version = doc.get("Version", "2008-10-17")
    if not isinstance(version, str) or version not in _VERSIONS:
        raise _fail("syntax")
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise _fail("syntax")
    raw = doc["Statement"]
    raw_list = raw if isinstance(raw, list) else [raw]
    if not raw_list or not all(isinstance(s, dict) for s in raw_list):
        raise _fail("syntax")
    variables = version == "2012-10-17"
    parsed: list[dict[str, Any]] = []
    for s in raw_list:
        if set(s) - _STATEMENT_KEYS or "Effect" not in s:
            raise _fail("syntax")
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
            if a in s and b in s:
                raise _fail("syntax")
        effect, sid = s["Effect"], s.get("Sid")
        if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
            raise _fail("syntax")
        if sid is not None and not isinstance(sid, str):
            raise _fail("syntax")
        entry: dict[str, Any] = {"effect": effect, "sid": sid}
        for name in ("Action", "NotAction", "Resource", "NotResource"):
            if name in s:
                entry[name] = _strings(s[name])
        for name in ("Principal", "NotPrincipal"):
            if name in s:
                entry[name], entry["written"] = _principals(s[name])
        entry["clauses"], clause_list = _conditions(s.get("Condition", {}), variables)
        entry["clause_list"] = clause_list
        parsed.append(entry)
    # ---- pass 2: version
    if rules.version_required and version != "2012-10-17":
        raise _fail("version", "Policy document must be version 2012-10-17 or greater.")
    # ---- pass 3: legacy parsing
    for e in parsed:
        if e["effect"] not in ("Allow", "Deny"):
            raise _fail("legacy", LEGACY)
        if any(c.invalid_dates() for c in e["clause_list"]):
            raise _fail("legacy", LEGACY)
        if any(_legacy_resource(r) for r in e.get("Resource", []) + e.get("NotResource", [])):
            raise _fail("legacy", LEGACY)
    # ---- pass 4: ids, then required and forbidden elements
    sids = [e["sid"] for e in parsed if e["sid"]]
    if len(sids) != len(set(sids)):
        raise _fail("sid", "Statement IDs (SID) in a single policy must be unique.")
    for e in parsed:
        has_principal = "Principal" in e or "NotPrincipal" in e
        if rules.principal == "forbidden" and has_principal:
            raise _fail("principal-forbidden", "Policy document should not specify a principal.")
        if rules.principal == "required" and not has_principal:
            raise _fail("no-principal", rules.no_principal_message)
        if rules.resource == "forbidden":
            for name in ("Resource", "NotResource"):
                if name in e:
                    raise _fail("resource-forbidden", f"Has prohibited field {name}")
        if rules.action == "trust" and "NotPrincipal" in e:
            raise _fail("principal-forbidden", "AssumeRole policy must not contain NotPrincipal field.")
        for kind, value in e.get("written", []):
            _check_principal(kind, value, rules)
    if rules.action != "optional":
        for e in parsed:
            if not e.get("Action") and not e.get("NotAction"):
                raise _fail("no-action", "Policy statement must contain actions.")
    # ---- pass 5: the shape of resources written, of actions, then resources required
    for e in parsed:
        for r in e.get("Resource", []) + e.get("NotResource", []):
            _check_resource(r)
    for e in parsed:
        for a in e.get("Action", []) + e.get("NotAction", []):
            _check_action(a)
        if rules.action == "trust":
            if "NotAction" in e or any(a.lower() not in TRUST_ACTIONS for a in e.get("Action", [])):
                raise _fail("trust-action", "AssumeRole policy may only specify STS AssumeRole actions.")
    if rules.resource == "required":
        for e in parsed:
            if not e.get("Resource") and not e.get("NotResource"):
                raise _fail("no-resource", "Policy statement must contain resources.")
    return version, policy_id, tuple(_compile(i, e, variables) for i, e in enumerate(parsed))


def _compile(index: int, e: dict[str, Any], variables: bool) -> Statement:
    actions = e.get("Action") or e.get("NotAction")
    resources = e.get("Resource") if "Resource" in e else e.get("NotResource")
    principals = e.get("Principal") or e.get("NotPrincipal")
    return Statement(
        index=index,
        sid=e["sid"],
        allow=e["effect"] == "Allow",
        actions=ActionMatcher(actions) if actions else None,
        not_action="NotAction" in e,
        resources=PatternMatcher(resources, variables) if resources is not None else None,
        not_resource="NotResource" in e,
        principals=principals,
        not_principal="NotPrincipal" in e,
        conditions=e["clauses"],
    )
