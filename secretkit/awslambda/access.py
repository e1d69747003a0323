"""Lambda's access declaration: which function each operation is about, with its policy.

Operations naming a function (``FunctionName``: a name, a partial or a full ARN) are about
its unqualified ARN, with the function's resource policy (what AddPermission wrote);
``CreateFunction`` about the function it would make, ``ListFunctions`` about ``*``.
``Invoke`` asks for ``lambda:InvokeFunction``, as IAM names it. (AWS matches a qualified
call, ``name:prod``, against the qualified ARN too; the kit asks about the function.)

``CreateFunction``, and ``UpdateFunctionConfiguration`` given a ``Role``, also ask for
``iam:PassRole`` on the execution role, with ``iam:PassedToService`` set to
``lambda.amazonaws.com``: whoever hands a function a role must be allowed to hand it on,
or could run code with more rights than their own.
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


_PASSED_TO_LAMBDA = {"iam:PassedToService": "lambda.amazonaws.com"}


def with_role(facade: Any, params: Mapping[str, Any], action: str) -> Target | list[Target]:
    """The function, and ``iam:PassRole`` on the ``Role`` the call gives it (when it is a role ARN)."""
    about = by_function(facade, params, action)
    role = params.get("Role")
    if about.home is not None or not isinstance(role, str) or not role.startswith("arn:"):
        return about  # a malformed Role is the operation's to refuse, after access control
    return [about, Target("iam:PassRole", role, None, "", _PASSED_TO_LAMBDA, "", role)]


def binds_root(facade: Any, params: Mapping[str, Any]) -> bool:
    """Whether the root user could be refused: a function of another account, or one with a policy."""
    if "FunctionName" not in params:
        return False
    target = by_function(facade, params, "")
    return target.home is not None or target.policy is not None


RULES = Rules("lambda", {
    **{op: by_function for op in ("GetFunction", "GetFunctionConfiguration", "UpdateFunctionCode",
                                  "DeleteFunction", "Invoke", "AddPermission", "RemovePermission", "GetPolicy")},
    "CreateFunction": with_role, "UpdateFunctionConfiguration": with_role,
}, actions={"Invoke": "lambda:InvokeFunction"}, binds_root=binds_root)
