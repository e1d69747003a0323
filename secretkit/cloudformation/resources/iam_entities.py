"""``AWS::IAM::Role``, ``AWS::IAM::Policy`` and ``AWS::IAM::ManagedPolicy``, made in the
kit's IAM through its public API (``CreateRole``, ``PutRolePolicy``, ``CreatePolicy``,
``AttachRolePolicy``...), so they show in ``cloud.client("iam")`` like any other.

A template with any of them needs ``CAPABILITY_IAM`` (``CAPABILITY_NAMED_IAM`` when it
names the role or policy), checked before anything is made.

**Role.** ``AssumeRolePolicyDocument`` (an object or JSON text), ``RoleName``
(replacement; made up as ``<stack>-<LogicalId>-<12 random>``, at most 64 characters, when
left out), ``Path``, ``Description``, ``MaxSessionDuration``, ``Policies`` (inline
``[{PolicyName, PolicyDocument}]``), ``ManagedPolicyArns``, ``Tags``. Ref returns the
role's name; ``Fn::GetAtt`` gives ``Arn`` and ``RoleId``. An update changes the trust
policy, the inline policies and the attached policies in place; the kit's IAM has no
UpdateRole or TagRole yet, so changing ``Description``, ``MaxSessionDuration`` or ``Tags``
fails with that reason. Deleting detaches and deletes the role's own policies first.

**Policy** (inline): ``PolicyName``, ``PolicyDocument``, ``Roles``, ``Users``. The
document is put on each role and user named, and taken off when they leave the list or
the resource is deleted. ``Groups`` fail: the kit's IAM has no groups. The physical id (and
Ref, and ``Fn::GetAtt Id``) is an id CloudFormation makes up (``<stack>-<LogicalId>-<12 random>``).

**ManagedPolicy**: ``ManagedPolicyName``, ``Path`` and ``Description`` (replacement; the name is made up when left out),
``PolicyDocument``, ``Roles``, ``Users`` (attached). Ref returns the
policy's ARN; ``Fn::GetAtt`` gives ``PolicyArn``, ``PolicyId``, ``DefaultVersionId``,
``AttachmentCount``, ``IsAttachable``, ``PermissionsBoundaryUsageCount``, ``CreateDate``
and ``UpdateDate``. Changing the attachments is an update in place;
the kit's IAM has one version per policy (no CreatePolicyVersion), so a changed
``PolicyDocument`` fails with that reason instead of writing version ``v2``.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_int, register

__all__ = ["IamManagedPolicy", "IamPolicy", "IamRole"]


def document_text(value: Any) -> str:
    """A policy document as IAM takes it: JSON text (templates usually give an object)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _names(props: dict[str, Any], key: str) -> list[str]:
    return [str(v) for v in props.get(key) or []]


def _inline(props: dict[str, Any]) -> dict[str, str]:
    return {str(p["PolicyName"]): document_text(p["PolicyDocument"]) for p in props.get("Policies") or []}


def _no_groups(props: dict[str, Any]) -> None:
    if props.get("Groups"):
        raise ResourceFailure("secretkit's IAM models no groups: give Roles or Users instead of Groups.")


@register
class IamRole(ResourceType):
    type_name = "AWS::IAM::Role"
    service_label = "Iam"
    name_property = "RoleName"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        iam = ctx.service("iam")
        name = str(props.get("RoleName") or ctx.generated_name(max_length=64))
        args: dict[str, Any] = {"RoleName": name, "AssumeRolePolicyDocument": document_text(props["AssumeRolePolicyDocument"])}
        if props.get("Path") is not None:
            args["Path"] = str(props["Path"])
        if props.get("Description") is not None:
            args["Description"] = str(props["Description"])
        if props.get("MaxSessionDuration") is not None:
            args["MaxSessionDuration"] = as_int(props["MaxSessionDuration"], "MaxSessionDuration")
        if props.get("Tags"):
            args["Tags"] = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props["Tags"]]
        role = iam.create_role(**args)["Role"]
        try:
            for policy_name, text in _inline(props).items():
                iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=text)
            for arn in _names(props, "ManagedPolicyArns"):
                iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        except Exception:
            self._remove(iam, name)  # a failed create leaves no half-made role
            raise
        return Provisioned(name, name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        fixed = changed & {"Description", "MaxSessionDuration", "Tags"}
        if fixed:
            raise ResourceFailure(
                f"secretkit's IAM has no UpdateRole or TagRole: changing {', '.join(sorted(fixed))} of a role is not modelled."
            )
        iam = ctx.service("iam")
        name = current.physical_id
        if "AssumeRolePolicyDocument" in changed:
            iam.update_assume_role_policy(RoleName=name, PolicyDocument=document_text(new["AssumeRolePolicyDocument"]))
        if "Policies" in changed:
            before, after = _inline(old), _inline(new)
            for policy_name, text in after.items():
                if before.get(policy_name) != text:
                    iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=text)
            for policy_name in before.keys() - after.keys():
                iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        if "ManagedPolicyArns" in changed:
            before_arns, after_arns = _names(old, "ManagedPolicyArns"), _names(new, "ManagedPolicyArns")
            for arn in after_arns:
                if arn not in before_arns:
                    iam.attach_role_policy(RoleName=name, PolicyArn=arn)
            for arn in before_arns:
                if arn not in after_arns:
                    iam.detach_role_policy(RoleName=name, PolicyArn=arn)
        return current

    @staticmethod
    def _remove(iam: Any, name: str) -> None:
        for arn in [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]]:
            iam.detach_role_policy(RoleName=name, PolicyArn=arn)
        for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        iam.delete_role(RoleName=name)

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        self._remove(ctx.service("iam"), current.physical_id)


def _put_inline(iam: Any, props: dict[str, Any]) -> None:
    name, text = str(props["PolicyName"]), document_text(props["PolicyDocument"])
    for role in _names(props, "Roles"):
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=text)
    for user in _names(props, "Users"):
        iam.put_user_policy(UserName=user, PolicyName=name, PolicyDocument=text)


def _delete_inline(iam: Any, props: dict[str, Any], *, roles: list[str] | None = None, users: list[str] | None = None) -> None:
    name = str(props["PolicyName"])
    for role in _names(props, "Roles") if roles is None else roles:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    for user in _names(props, "Users") if users is None else users:
        iam.delete_user_policy(UserName=user, PolicyName=name)


@register
class IamPolicy(ResourceType):
    type_name = "AWS::IAM::Policy"
    service_label = "Iam"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        _no_groups(props)
        if not props.get("Roles") and not props.get("Users"):
            raise ResourceFailure("At least one of [Groups,Roles,Users] must be non-empty.")
        iam = ctx.service("iam")
        pid = ctx.generated_name(max_length=128)
        try:
            _put_inline(iam, props)
        except Exception:
            for role in _names(props, "Roles"):  # undo what was put before the failure
                try:
                    iam.delete_role_policy(RoleName=role, PolicyName=str(props["PolicyName"]))
                except Exception:  # noqa: BLE001 - that role never got it
                    pass
            raise
        return Provisioned(pid, pid, {"Id": pid}, {"props": {k: props.get(k) for k in ("PolicyName", "Roles", "Users")}})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        _no_groups(new)
        iam = ctx.service("iam")
        before = current.state["props"]
        if "PolicyName" in changed:
            _delete_inline(iam, before)
        else:
            _delete_inline(iam, before, roles=[r for r in _names(before, "Roles") if r not in _names(new, "Roles")],
                           users=[u for u in _names(before, "Users") if u not in _names(new, "Users")])
        _put_inline(iam, new)
        current.state = {"props": {k: new.get(k) for k in ("PolicyName", "Roles", "Users")}}
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        _delete_inline(ctx.service("iam"), current.state["props"])


def _managed_attributes(policy: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyArn": policy["Arn"], "PolicyId": policy["PolicyId"], "DefaultVersionId": policy["DefaultVersionId"],
        "AttachmentCount": policy["AttachmentCount"], "IsAttachable": policy["IsAttachable"],
        "PermissionsBoundaryUsageCount": policy["PermissionsBoundaryUsageCount"],
        "CreateDate": _iso(policy["CreateDate"]), "UpdateDate": _iso(policy["UpdateDate"]),
    }


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _attach(iam: Any, arn: str, roles: list[str], users: list[str], verb: str) -> None:
    for role in roles:
        getattr(iam, f"{verb}_role_policy")(RoleName=role, PolicyArn=arn)
    for user in users:
        getattr(iam, f"{verb}_user_policy")(UserName=user, PolicyArn=arn)


@register
class IamManagedPolicy(ResourceType):
    type_name = "AWS::IAM::ManagedPolicy"
    service_label = "Iam"
    name_property = "ManagedPolicyName"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        _no_groups(props)
        iam = ctx.service("iam")
        name = str(props.get("ManagedPolicyName") or ctx.generated_name(max_length=128))
        args: dict[str, Any] = {"PolicyName": name, "PolicyDocument": document_text(props["PolicyDocument"])}
        for key in ("Path", "Description"):
            if props.get(key) is not None:
                args[key] = str(props[key])
        arn = str(iam.create_policy(**args)["Policy"]["Arn"])
        try:
            _attach(iam, arn, _names(props, "Roles"), _names(props, "Users"), "attach")
        except Exception:
            self._remove(iam, arn, _names(props, "Users"))
            raise
        attributes = _managed_attributes(iam.get_policy(PolicyArn=arn)["Policy"])
        return Provisioned(arn, arn, attributes, {"users": _names(props, "Users")})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        _no_groups(new)
        if "PolicyDocument" in changed:
            raise ResourceFailure(
                "secretkit's IAM keeps one version per managed policy (no CreatePolicyVersion): "
                "changing its PolicyDocument is not modelled."
            )
        iam = ctx.service("iam")
        arn = current.physical_id
        for key in ("Roles", "Users"):
            if key in changed:
                gone = [n for n in _names(old, key) if n not in _names(new, key)]
                added = [n for n in _names(new, key) if n not in _names(old, key)]
                if key == "Roles":
                    _attach(iam, arn, gone, [], "detach")
                    _attach(iam, arn, added, [], "attach")
                else:
                    _attach(iam, arn, [], gone, "detach")
                    _attach(iam, arn, [], added, "attach")
        current.attributes = _managed_attributes(iam.get_policy(PolicyArn=arn)["Policy"])
        current.state = {"users": _names(new, "Users")}
        return current

    @staticmethod
    def _remove(iam: Any, arn: str, users: list[str]) -> None:
        """Detach the policy from every role it is attached to and from its users, then delete it."""
        for role in iam.list_roles()["Roles"]:
            attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
            if any(p["PolicyArn"] == arn for p in attached):
                iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
        for user in users:
            attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
            if any(p["PolicyArn"] == arn for p in attached):
                iam.detach_user_policy(UserName=user, PolicyArn=arn)
        iam.delete_policy(PolicyArn=arn)

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        self._remove(ctx.service("iam"), current.physical_id, list(current.state.get("users", [])))
