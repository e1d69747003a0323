"""Lambda's access declaration: which function each operation is about, with its policy.

Operations naming a function (``FunctionName``: a name, a partial or a full ARN) are about
its unqualified ARN, with the function's resource policy (what AddPermission wrote);
``CreateFunction`` about the function it would make, ``ListFunctions`` about ``*``.
``Invoke`` asks for ``lambda:InvokeFunction``, as IAM names it. (AWS matches a qualified
call, ``name:prod``, against the qualified ARN too; the kit asks about the function.)
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.access import Rules, Target

__all__ = ["RULES"]


def by_function(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    given = params.get("FunctionName")
    text = given if isinstance(given, str) else ""
    env = facade.env
    if text.startswith("arn:"):
        parts = text.split(":")
        name = parts[6] if len(parts) > 6 else ""
        account = parts[4] if len(parts) > 4 else env.account_id
    else:
        head = text.split(":")
        name = head[2] if len(head) > 2 and head[1] == "function" else head[0]
        account = head[0] if len(head) > 2 and head[1] == "function" else env.account_id
    arn = f"arn:aws:lambda:{env.region}:{account}:function:{name}"
    if account and account != env.account_id:  # an ARN with no account names no other account
        return Target(action, arn, None, "lambda", None, "", None, account)
    fn = facade.functions.get(name)
    policy = None
    if fn is not None:
        found = fn.policies.get("")
        policy = found.text() if found else None
    return Target(action, arn, policy, "lambda", None, f"function {name}", None, None)


def binds_root(facade: Any, params: Mapping[str, Any]) -> bool:
    """Whether the root user could be refused: a function of another account, or one with a policy."""
    if "FunctionName" not in params:
        return False
    target = by_function(facade, params, "")
    return target.home is not None or target.policy is not None


RULES = Rules("lambda", {
    op: by_function for op in ("CreateFunction", "GetFunction", "GetFunctionConfiguration", "UpdateFunctionCode",
                               "UpdateFunctionConfiguration", "DeleteFunction", "Invoke", "AddPermission",
                               "RemovePermission", "GetPolicy")
}, actions={"Invoke": "lambda:InvokeFunction"}, binds_root=binds_root)
