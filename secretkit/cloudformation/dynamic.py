"""Dynamic references: ``{{resolve:ssm:...}}``, ``{{resolve:ssm-secure:...}}`` and
``{{resolve:secretsmanager:...}}`` inside resource properties.

A dynamic reference is text, not a function: CloudFormation finds it in a property's
string *after* the intrinsic functions have run (so ``!Sub '{{resolve:secretsmanager:
${MySecret}::password}}'`` works) and replaces it with the value read at that moment,
just before it calls the resource's service. The resolved value is used and forgotten:
events, ``GetTemplate``, ``DescribeStacks`` and ``DescribeStackResource(s)`` only ever
show the reference text (which does name the secret or parameter).

The trap this module exists to show: on a stack update CloudFormation compares the
*reference text*, not the value behind it. A password rotated in Secrets Manager since
the last deployment does **not** reach a resource whose reference text is unchanged;
only an update of that resource for another reason (or a changed reference) re-reads it.
The engine (:mod:`.engine`) keeps exactly that rule by storing and comparing the
unresolved properties.

Syntax::

    {{resolve:ssm:name[:version]}}
    {{resolve:ssm-secure:name[:version]}}
    {{resolve:secretsmanager:secret-id[:SecretString[:json-key[:version-stage[:version-id]]]]}}

Empty segments are allowed (``{{resolve:secretsmanager:MySecret:SecretString:password::}}``);
``secret-id`` may be a full ARN, whose own colons are kept together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Reference", "Resolvers", "find", "has_reference", "parse", "substitute"]

_PATTERN = re.compile(r"\{\{resolve:(ssm|ssm-secure|secretsmanager):([^{}]*)\}\}")


@dataclass(frozen=True, slots=True)
class Reference:
    """One parsed dynamic reference."""

    text: str
    service: str  # "ssm", "ssm-secure" or "secretsmanager"
    name: str  # parameter name or secret id
    version: str | None = None  # SSM version, or Secrets Manager version id
    json_key: str | None = None
    stage: str | None = None


@dataclass(frozen=True, slots=True)
class Resolvers:
    """The callables that read referenced values (injected into the CloudFormation facade).

    ``ssm(name, version, secure)`` returns a Parameter Store value; ``secret(secret_id,
    json_key, stage, version_id)`` a Secrets Manager value. Either raises the service's
    ``ClientError`` when the value cannot be read; the resource then fails with it.
    """

    ssm: Callable[[str, str | None, bool], str]
    secret: Callable[[str, str | None, str | None, str | None], str]


def parse(text: str, service: str, key: str) -> Reference:
    """Parse the part after ``resolve:<service>:``."""
    if service in ("ssm", "ssm-secure"):
        name, _, version = key.partition(":")
        return Reference(text, service, name, version or None)
    if key.startswith("arn:"):
        parts = key.split(":")
        secret_id, rest = ":".join(parts[:7]), parts[7:]
    else:
        secret_id, *rest = key.split(":")
    rest += [""] * (4 - len(rest))
    _kind, json_key, stage, version_id = rest[:4]
    return Reference(text, service, secret_id, version_id or None, json_key or None, stage or None)


def find(value: str) -> list[Reference]:
    """Every dynamic reference in a string."""
    return [parse(m.group(0), m.group(1), m.group(2)) for m in _PATTERN.finditer(value)]


def has_reference(value: Any) -> bool:
    """Whether a property value (at any depth) contains a dynamic reference."""
    if isinstance(value, str):
        return "{{resolve:" in value
    if isinstance(value, dict):
        return any(has_reference(v) for v in value.values())
    if isinstance(value, list):
        return any(has_reference(v) for v in value)
    return False


def _read(ref: Reference, resolvers: Resolvers) -> str:
    try:
        if ref.service == "secretsmanager":
            return resolvers.secret(ref.name, ref.json_key, ref.stage, ref.version)
        return resolvers.ssm(ref.name, ref.version, ref.service == "ssm-secure")
    except Exception as exc:
        # Say which service refused, for the failure reason the stack event shows.
        exc.service_label = "SecretsManager" if ref.service == "secretsmanager" else "Ssm"  # type: ignore[attr-defined]
        raise


def substitute(value: Any, resolvers: Resolvers, cache: dict[str, str] | None = None) -> Any:
    """``value`` with every dynamic reference replaced by what it reads now.

    ``cache`` (reference text -> value) lets one stack operation read each reference once.
    """
    memo = cache if cache is not None else {}
    if isinstance(value, str):
        if "{{resolve:" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            whole = match.group(0)
            if whole not in memo:
                memo[whole] = _read(parse(whole, match.group(1), match.group(2)), resolvers)
            return memo[whole]

        return _PATTERN.sub(replace, value)
    if isinstance(value, dict):
        return {k: substitute(v, resolvers, memo) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, resolvers, memo) for v in value]
    return value
