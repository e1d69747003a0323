"""Parameter Store's access declaration: which parameter each operation is about.

Operations naming a parameter (``Name``, or each of ``Names``) are about its ARN as IAM
matches it (``arn:aws:ssm:REGION:ACCT:parameter/app/db``, a leading ``/`` not doubled),
whether or not it exists; ``GetParametersByPath`` is about the path's ARN; the tag
operations about the parameter ``ResourceId`` names; ``DescribeParameters`` and the
service settings about ``*``. Parameters have no resource policies.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.access import Rules, Target

__all__ = ["RULES"]


def _arn(facade: Any, name: object) -> str:
    text = name if isinstance(name, str) else ""
    if text.startswith("arn:"):
        return text if text.count(":") <= 5 else text.rsplit(":", 1)[0]  # an ARN, without a :selector
    base = text.split(":", 1)[0]  # name:3 or name:label selects a version of name
    env = facade.env
    return f"arn:aws:ssm:{env.region}:{env.account_id}:parameter/{base.removeprefix('/')}"


def _one(facade: Any, name: object, action: str, params: Mapping[str, Any]) -> Target:
    arn = _arn(facade, name)
    found = facade.store.params.get("/" + arn.split(":parameter/", 1)[-1]) if ":parameter/" in arn else None
    return Target(action, arn, None, "secret", None, "", None, None, (found, params))


def by_name(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    return _one(facade, params.get("Name"), action, params)


def by_names(facade: Any, params: Mapping[str, Any], action: str) -> list[Target]:
    names = params.get("Names")
    listed = names if isinstance(names, list) and names else [None]
    return [_one(facade, name, action, params) for name in listed]


def by_path(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    return _one(facade, params.get("Path"), action, params)


def by_resource_id(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    return _one(facade, params.get("ResourceId"), action, params)


RULES = Rules("ssm", {
    **{op: by_name for op in ("PutParameter", "DeleteParameter", "GetParameter", "GetParameterHistory",
                              "LabelParameterVersion", "UnlabelParameterVersion")},
    "GetParameters": by_names,
    "DeleteParameters": by_names,
    "GetParametersByPath": by_path,
    **{op: by_resource_id for op in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource")},
})
