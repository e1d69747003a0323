"""Secrets Manager's access declaration: which secret each operation is about.

Every operation that names a secret (``SecretId``) is about that secret, with its resource
policy; ``CreateSecret`` is about the secret it would make (its ARN ends in six characters
not drawn yet, written ``-??????`` as IAM policies match them); ``ListSecrets``,
``GetRandomPassword``, ``BatchGetSecretValue`` (which then reads each secret as its
caller) and ``ValidateResourcePolicy`` without a ``SecretId`` are about ``*``, as AWS
documents them. ``RotateSecret`` also asks for ``lambda:InvokeFunction`` on the rotation
function, as AWS requires of its caller. An ARN of another account is served by that
account's Secrets Manager.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..core.access import Rules, Target

__all__ = ["RULES"]

_target = tuple.__new__


def _lookup(facade: Any, sid: object) -> Any:
    """The secret ``sid`` names here, or ``None`` (no error, no record: only a look)."""
    if type(sid) is not str:
        return None
    store = facade.store
    found = store.by_name.get(sid)
    if found is None and sid.startswith("arn:"):
        found = store.by_arn.get(sid)
        if found is None and sid.startswith(store.arn_prefix):
            found = store.by_name.get(sid[len(store.arn_prefix):])
    return found


def _account_of(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else None


def on_secret(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    sid = params.get("SecretId")
    secret = _lookup(facade, sid)
    if secret is not None:  # every field given: built as the tuple it is, without the keyword parsing
        return _target(Target, (action, secret.arn, secret.resource_policy, "secret", None, f"secret {secret.name}",
                                sid, None, secret))
    shown = sid if isinstance(sid, str) else None
    if isinstance(sid, str) and sid.startswith("arn:"):
        account = _account_of(sid)
        home = account if account and account != facade.env.account_id else None
        return Target(action, sid, None, "secret", None, "", shown, home)
    resource = facade.store.arn_prefix + (sid if isinstance(sid, str) else "") + "-??????"
    return Target(action, resource, None, "secret", None, "", shown)


def on_new_secret(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    name = params.get("Name")
    resource = facade.store.arn_prefix + (name if isinstance(name, str) else "") + "-??????"
    return Target(action, resource, None, "secret", None, "", name if isinstance(name, str) else None)


def on_rotation(facade: Any, params: Mapping[str, Any], action: str) -> list[Target]:
    """RotateSecret: the secret, and ``lambda:InvokeFunction`` on the function that will rotate it
    (the caller's own permission, beside the function's policy that lets Secrets Manager in)."""
    about = on_secret(facade, params, action)
    function = params.get("RotationLambdaARN")
    if function is None and about.about is not None:
        function = about.about.rotation_lambda_arn
    if isinstance(function, str) and function.startswith("arn:aws:lambda:") and about.home is None:
        return [about, Target("lambda:InvokeFunction", function.split(":function:")[0] + ":function:"
                              + function.split(":function:")[-1].split(":")[0], None, "lambda")]
    return [about]


def on_policy_check(facade: Any, params: Mapping[str, Any], action: str) -> Target:
    return on_secret(facade, params, action) if params.get("SecretId") is not None else Target(action)


_ABOUT_ONE = ("GetSecretValue", "PutSecretValue", "UpdateSecret", "UpdateSecretVersionStage", "DescribeSecret",
              "DeleteSecret", "RestoreSecret", "ReplicateSecretToRegions", "RemoveRegionsFromReplication",
              "StopReplicationToReplica", "ListSecretVersionIds", "PutResourcePolicy", "GetResourcePolicy",
              "DeleteResourcePolicy", "CancelRotateSecret", "TagResource", "UntagResource")

_ONE = frozenset(_ABOUT_ONE)


def about(facade: Any, operation: str, params: Mapping[str, Any]) -> Any:
    """The secret record a call about one secret names here, or ``None`` (see ``Rules.about``)."""
    return _lookup(facade, params.get("SecretId")) if operation in _ONE else None


def binds_root(facade: Any, params: Mapping[str, Any]) -> bool:
    """Whether the root user could be refused: the secret has a policy, or is another account's."""
    sid = params.get("SecretId")
    if sid is None:
        return False
    secret = _lookup(facade, sid)
    if secret is not None:
        return secret.resource_policy is not None
    return isinstance(sid, str) and sid.startswith("arn:") and _account_of(sid) != facade.env.account_id


RULES = Rules("secretsmanager", {
    **{name: on_secret for name in _ABOUT_ONE},
    "CreateSecret": on_new_secret,
    "RotateSecret": on_rotation,
    "ValidateResourcePolicy": on_policy_check,
}, binds_root=binds_root, about=about)
