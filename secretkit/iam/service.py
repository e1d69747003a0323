"""IAM, one per account: users, access keys, roles, inline and managed policies, and the
policy simulator. Operations are named as boto3 names them, take AWS's arguments and return
boto3-shaped dicts; each is authorised as its caller (``iam:CreateUser`` on the new
user's ARN, and so on), and refused with IAM's ``AccessDenied`` (HTTP 403) otherwise.

IAM is global: one object serves every region of its account. Who is calling is the
principal of the request under way (:mod:`~secretkit.iam.calling`): the account's root user
unless a door or an enclosing call says otherwise. :meth:`Iam.invoke` runs one operation as
a given principal record::

    iam.invoke("create_user", principal=alice, UserName="bob")   # as alice
    iam.create_user(UserName="bob")                               # as the current caller: root

A failed call changes nothing: every check runs before the first change.
"""

from __future__ import annotations

from typing import Any, Callable

from .authorizer import Authorizer
from .bridge import Env, Rules, Service, ascii_int, aws_error, operation
from .calling import CallerOf
from .checks import (check_arn, check_bool, check_document, check_int, check_name, check_optional_text, check_path,
                     check_tags, page, validation)
from .directory import Directory
from .entities import Entities, access_key_shape, role_shape, user_shape
from .policy_store import PolicyStore, managed_shape, version_shape
from .principals import Caller, Role, Root, User, path_arn
from .simulate import simulate, transient_session

__all__ = ["Iam"]


class Iam(Service):
    """The IAM of one account."""

    service_name = "iam"
    access = Rules("iam", self_checked=True)  # IAM and STS authorise inside their operations

    def __init__(self, env: Env, directory: Directory, authorizer: Authorizer) -> None:
        super().__init__(env)
        self.directory = directory
        self.authorizer = authorizer
        self.account = directory.account(env.account_id)
        self.entities = Entities(directory, self.account)
        self.store = PolicyStore(directory, self.account)
        self._callers = CallerOf(directory, env.account_id)

    # ------------------------------------------------------------------ callers
    @property
    def caller(self) -> Caller:
        """Who is making the current call (the account's root user unless told otherwise)."""
        return self._callers()

    def invoke(self, name: str, principal: Caller | None = None, **params: Any) -> Any:
        """Call operation ``name`` (``create_user`` or ``CreateUser``) as ``principal``."""
        method = getattr(self, name, None) or self._by_aws_name(name)
        if method is None or not hasattr(method, "aws_operation"):
            raise ValueError(f"IAM has no operation {name!r}")
        if principal is not None and principal.account_id != self.account.account_id:
            raise ValueError(f"{principal.arn} belongs to another account; each account has its own IAM")
        return self._callers.invoke(method, principal, params)

    def _by_aws_name(self, name: str) -> Callable[..., Any] | None:
        for attr in dir(type(self)):
            member = getattr(self, attr)
            if getattr(member, "aws_operation", None) == name:
                return member  # type: ignore[no-any-return]
        return None

    def _allow(self, action: str, resource: str) -> None:
        self.authorizer.require(self.caller, action, resource, service="iam", resource_account=self.account.account_id)

    def _iam_arn(self, kind: str, name: str, path: str = "/") -> str:
        return path_arn(self.account.account_id, kind, path, name)

    def _entity_arn(self, kind: str, name: str) -> str:
        found = self.account.user(name) if kind == "user" else self.account.role(name)
        return found.arn if found is not None else self._iam_arn(kind, name)

    def _self_user(self, user_name: object) -> User | Root:
        """The user named, or the caller itself when no name is given."""
        if user_name is not None:
            return self.entities.user(check_name(user_name, "UserName", "userName", 128))
        caller = self.caller
        if isinstance(caller, (User, Root)):
            return caller
        raise aws_error("ValidationError", "Must specify userName when calling with non-User credentials")

    # -------------------------------------------------------------------- users
    @operation("CreateUser")
    def create_user(self, *, UserName: str, Path: str = "/", Tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
        name = check_name(UserName, "UserName", "userName")
        path = check_path(Path)
        tags = check_tags(Tags) if Tags is not None else []
        self._allow("iam:CreateUser", self._iam_arn("user", name, path))
        return {"User": user_shape(self.entities.create_user(name, path, tags))}

    @operation("GetUser")
    def get_user(self, *, UserName: str | None = None) -> dict[str, Any]:
        if UserName is not None:
            check_name(UserName, "UserName", "userName", 128)
            self._allow("iam:GetUser", self._entity_arn("user", UserName))
            return {"User": user_shape(self.entities.user(UserName))}
        user = self._self_user(None)
        self._allow("iam:GetUser", user.arn)
        return {"User": user_shape(user)}

    @operation("DeleteUser")
    def delete_user(self, *, UserName: str) -> dict[str, Any]:
        name = check_name(UserName, "UserName", "userName", 128)
        self._allow("iam:DeleteUser", self._entity_arn("user", name))
        self.entities.delete_user(name)
        return {}

    # -------------------------------------------------------------- access keys
    def _key_owner(self, UserName: object, action: str) -> User | Root:
        if UserName is None:
            owner = self._self_user(None)
            self._allow(action, owner.arn)
            return owner
        name = check_name(UserName, "UserName", "userName", 128)
        self._allow(action, self._entity_arn("user", name))
        return self.entities.user(name)

    @operation("CreateAccessKey")
    def create_access_key(self, *, UserName: str | None = None) -> dict[str, Any]:
        owner = self._key_owner(UserName, "iam:CreateAccessKey")
        return {"AccessKey": access_key_shape(self.entities.create_access_key(owner), secret=True)}

    @operation("DeleteAccessKey")
    def delete_access_key(self, *, AccessKeyId: str, UserName: str | None = None) -> dict[str, Any]:
        if not isinstance(AccessKeyId, str) or not 16 <= len(AccessKeyId) <= 128 or not AccessKeyId.isalnum():
            raise validation("accessKeyId", "Member must satisfy regular expression pattern: [\\w]+")
        owner = self._key_owner(UserName, "iam:DeleteAccessKey")
        self.entities.delete_access_key(owner, AccessKeyId)
        return {}

    @operation("ListAccessKeys")
    def list_access_keys(self, *, UserName: str | None = None, Marker: str | None = None,
                         MaxItems: int | None = None) -> dict[str, Any]:
        owner = self._key_owner(UserName, "iam:ListAccessKeys")
        numbered = list(enumerate(owner.access_keys))
        keys, extra = page(numbered, lambda k: f"{k[0]:04d}", Marker, MaxItems)
        return {"AccessKeyMetadata": [access_key_shape(k) for _, k in keys], **extra}

    # -------------------------------------------------------------------- roles
    @operation("CreateRole")
    def create_role(self, *, RoleName: str, AssumeRolePolicyDocument: str, Path: str = "/",
                    Description: str | None = None, MaxSessionDuration: int = 3600,
                    Tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
        name = check_name(RoleName, "RoleName", "roleName")
        document = check_document(AssumeRolePolicyDocument, "AssumeRolePolicyDocument", "assumeRolePolicyDocument")
        path = check_path(Path)
        if Description is not None:
            check_optional_text(Description, "Description", "description", 1000)
        seconds = check_int(MaxSessionDuration, "MaxSessionDuration", "maxSessionDuration", 3600, 43200)
        tags = check_tags(Tags) if Tags is not None else []
        self._allow("iam:CreateRole", self._iam_arn("role", name, path))
        role = self.entities.create_role(name, document, path, Description, seconds, tags)
        return {"Role": role_shape(role, full=False)}

    @operation("GetRole")
    def get_role(self, *, RoleName: str) -> dict[str, Any]:
        name = check_name(RoleName, "RoleName", "roleName")
        self._allow("iam:GetRole", self._entity_arn("role", name))
        return {"Role": role_shape(self.entities.role(name))}

    @operation("DeleteRole")
    def delete_role(self, *, RoleName: str) -> dict[str, Any]:
        name = check_name(RoleName, "RoleName", "roleName")
        self._allow("iam:DeleteRole", self._entity_arn("role", name))
        self.entities.delete_role(name)
        return {}

    @operation("ListRoles")
    def list_roles(self, *, PathPrefix: str = "/", Marker: str | None = None, MaxItems: int | None = None) -> dict[str, Any]:
        prefix = check_path(PathPrefix, "PathPrefix", "pathPrefix", prefix=True)
        self._allow("iam:ListRoles", self._iam_arn("role", ""))
        roles = sorted((r for r in self.account.roles.values() if r.path.startswith(prefix)), key=lambda r: r.name.lower())
        chunk, extra = page(roles, lambda r: r.name.lower(), Marker, MaxItems)
        return {"Roles": [role_shape(r, full=False) for r in chunk], **extra}

    @operation("UpdateAssumeRolePolicy")
    def update_assume_role_policy(self, *, RoleName: str, PolicyDocument: str) -> dict[str, Any]:
        name = check_name(RoleName, "RoleName", "roleName")
        document = check_document(PolicyDocument, "PolicyDocument", "policyDocument")
        self._allow("iam:UpdateAssumeRolePolicy", self._entity_arn("role", name))
        self.entities.update_trust(name, document)
        return {}

    # ---------------------------------------------------------- inline policies
    def _holder(self, kind: str, name: object, action: str) -> User | Role:
        field = "userName" if kind == "user" else "roleName"
        checked = check_name(name, "UserName" if kind == "user" else "RoleName", field, 128 if kind == "user" else 64)
        self._allow(action, self._entity_arn(kind, checked))
        return self.entities.user(checked) if kind == "user" else self.entities.role(checked)

    def _put_inline(self, kind: str, name: str, policy_name: str, document: str) -> dict[str, Any]:
        pname = check_name(policy_name, "PolicyName", "policyName", 128)
        text = check_document(document, "PolicyDocument", "policyDocument")
        holder = self._holder(kind, name, f"iam:Put{kind.title()}Policy")
        self.store.put_inline(holder, pname, text)
        return {}

    def _get_inline(self, kind: str, name: str, policy_name: str) -> dict[str, Any]:
        pname = check_name(policy_name, "PolicyName", "policyName", 128)
        holder = self._holder(kind, name, f"iam:Get{kind.title()}Policy")
        found = self.store.inline(holder, pname)
        return {f"{kind.title()}Name": holder.name, "PolicyName": found.name, "PolicyDocument": found.policy.document}

    def _delete_inline(self, kind: str, name: str, policy_name: str) -> dict[str, Any]:
        pname = check_name(policy_name, "PolicyName", "policyName", 128)
        holder = self._holder(kind, name, f"iam:Delete{kind.title()}Policy")
        self.store.delete_inline(holder, pname)
        return {}

    def _list_inline(self, kind: str, name: str, marker: str | None, max_items: int | None) -> dict[str, Any]:
        holder = self._holder(kind, name, f"iam:List{kind.title()}Policies")
        names, extra = page(self.store.inline_names(holder), str.lower, marker, max_items)
        return {"PolicyNames": names, **extra}

    @operation("PutRolePolicy")
    def put_role_policy(self, *, RoleName: str, PolicyName: str, PolicyDocument: str) -> dict[str, Any]:
        return self._put_inline("role", RoleName, PolicyName, PolicyDocument)

    @operation("GetRolePolicy")
    def get_role_policy(self, *, RoleName: str, PolicyName: str) -> dict[str, Any]:
        return self._get_inline("role", RoleName, PolicyName)

    @operation("DeleteRolePolicy")
    def delete_role_policy(self, *, RoleName: str, PolicyName: str) -> dict[str, Any]:
        return self._delete_inline("role", RoleName, PolicyName)

    @operation("ListRolePolicies")
    def list_role_policies(self, *, RoleName: str, Marker: str | None = None, MaxItems: int | None = None) -> dict[str, Any]:
        return self._list_inline("role", RoleName, Marker, MaxItems)

    @operation("PutUserPolicy")
    def put_user_policy(self, *, UserName: str, PolicyName: str, PolicyDocument: str) -> dict[str, Any]:
        return self._put_inline("user", UserName, PolicyName, PolicyDocument)

    @operation("GetUserPolicy")
    def get_user_policy(self, *, UserName: str, PolicyName: str) -> dict[str, Any]:
        return self._get_inline("user", UserName, PolicyName)

    @operation("DeleteUserPolicy")
    def delete_user_policy(self, *, UserName: str, PolicyName: str) -> dict[str, Any]:
        return self._delete_inline("user", UserName, PolicyName)

    @operation("ListUserPolicies")
    def list_user_policies(self, *, UserName: str, Marker: str | None = None, MaxItems: int | None = None) -> dict[str, Any]:
        return self._list_inline("user", UserName, Marker, MaxItems)

    # --------------------------------------------------------- managed policies
    @operation("CreatePolicy")
    def create_policy(self, *, PolicyName: str, PolicyDocument: str, Path: str = "/", Description: str = "",
                      Tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
        name = check_name(PolicyName, "PolicyName", "policyName", 128)
        text = check_document(PolicyDocument, "PolicyDocument", "policyDocument")
        path = check_path(Path, policy=True)
        check_optional_text(Description, "Description", "description", 1000)
        tags = check_tags(Tags) if Tags is not None else []
        self._allow("iam:CreatePolicy", self._iam_arn("policy", name, path))
        return {"Policy": managed_shape(self.store.create(name, path, text, Description, tags))}

    @operation("GetPolicy")
    def get_policy(self, *, PolicyArn: str) -> dict[str, Any]:
        arn = check_arn(PolicyArn, "PolicyArn", "policyArn")
        self._allow("iam:GetPolicy", arn)
        return {"Policy": managed_shape(self.store.get(arn))}

    @operation("GetPolicyVersion")
    def get_policy_version(self, *, PolicyArn: str, VersionId: str) -> dict[str, Any]:
        arn = check_arn(PolicyArn, "PolicyArn", "policyArn")
        if not isinstance(VersionId, str) or not VersionId.startswith("v") or ascii_int(VersionId[1:]) is None:
            raise validation("versionId", "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?")
        self._allow("iam:GetPolicyVersion", arn)
        policy = self.store.get(arn)
        if VersionId != "v1":
            raise aws_error("NoSuchEntity", f"Policy {arn} version {VersionId} does not exist or is not attachable.")
        return {"PolicyVersion": version_shape(policy)}

    @operation("DeletePolicy")
    def delete_policy(self, *, PolicyArn: str) -> dict[str, Any]:
        arn = check_arn(PolicyArn, "PolicyArn", "policyArn")
        self._allow("iam:DeletePolicy", arn)
        self.store.delete(arn)
        return {}

    @operation("ListPolicies")
    def list_policies(self, *, Scope: str = "All", OnlyAttached: bool = False, PathPrefix: str = "/",
                      Marker: str | None = None, MaxItems: int | None = None) -> dict[str, Any]:
        if Scope not in ("All", "AWS", "Local"):
            raise validation("scope", "Member must satisfy enum value set: [All, AWS, Local]")
        check_bool(OnlyAttached, "OnlyAttached")
        prefix = check_path(PathPrefix, "PathPrefix", "pathPrefix", policy=True)
        self._allow("iam:ListPolicies", self._iam_arn("policy", ""))
        pool = self.store.listed(Scope, OnlyAttached, prefix)
        chunk, extra = page(pool, lambda p: f"{p.name.lower()}|{p.arn}", Marker, MaxItems)
        return {"Policies": [managed_shape(p) for p in chunk], **extra}

    def _attach(self, kind: str, name: str, arn: str, verb: str) -> dict[str, Any]:
        check_arn(arn, "PolicyArn", "policyArn")
        holder = self._holder(kind, name, f"iam:{verb}{kind.title()}Policy")
        (self.store.attach if verb == "Attach" else self.store.detach)(holder, arn)
        return {}

    @operation("AttachRolePolicy")
    def attach_role_policy(self, *, RoleName: str, PolicyArn: str) -> dict[str, Any]:
        return self._attach("role", RoleName, PolicyArn, "Attach")

    @operation("DetachRolePolicy")
    def detach_role_policy(self, *, RoleName: str, PolicyArn: str) -> dict[str, Any]:
        return self._attach("role", RoleName, PolicyArn, "Detach")

    @operation("AttachUserPolicy")
    def attach_user_policy(self, *, UserName: str, PolicyArn: str) -> dict[str, Any]:
        return self._attach("user", UserName, PolicyArn, "Attach")

    @operation("DetachUserPolicy")
    def detach_user_policy(self, *, UserName: str, PolicyArn: str) -> dict[str, Any]:
        return self._attach("user", UserName, PolicyArn, "Detach")

    def _list_attached(self, kind: str, name: str, prefix: str, marker: str | None, max_items: int | None) -> dict[str, Any]:
        checked_prefix = check_path(prefix, "PathPrefix", "pathPrefix", policy=True)
        holder = self._holder(kind, name, f"iam:ListAttached{kind.title()}Policies")
        items, extra = page(self.store.attached(holder, checked_prefix), lambda p: p["PolicyName"].lower(), marker, max_items)
        return {"AttachedPolicies": items, **extra}

    @operation("ListAttachedRolePolicies")
    def list_attached_role_policies(self, *, RoleName: str, PathPrefix: str = "/", Marker: str | None = None,
                                    MaxItems: int | None = None) -> dict[str, Any]:
        return self._list_attached("role", RoleName, PathPrefix, Marker, MaxItems)

    @operation("ListAttachedUserPolicies")
    def list_attached_user_policies(self, *, UserName: str, PathPrefix: str = "/", Marker: str | None = None,
                                    MaxItems: int | None = None) -> dict[str, Any]:
        return self._list_attached("user", UserName, PathPrefix, Marker, MaxItems)

    # ---------------------------------------------------------------- simulator
    @operation("SimulatePrincipalPolicy")
    def simulate_principal_policy(
        self, *, PolicySourceArn: str, ActionNames: list[str], ResourceArns: list[str] | None = None,
        PolicyInputList: list[str] | None = None, ResourcePolicy: str | None = None, ResourceOwner: str | None = None,
        ContextEntries: list[dict[str, Any]] | None = None, MaxItems: int | None = None, Marker: str | None = None,
    ) -> dict[str, Any]:
        source = check_arn(PolicySourceArn, "PolicySourceArn", "policySourceArn")
        if not isinstance(ActionNames, (list, tuple)) or not ActionNames or not all(isinstance(a, str) for a in ActionNames):
            raise validation("actionNames", "Member must have length greater than or equal to 1")
        resources = list(ResourceArns) if ResourceArns else ["*"]
        inputs = [check_document(t, "PolicyInputList", "policyInputList") for t in PolicyInputList or []]
        if ResourcePolicy is not None:
            check_document(ResourcePolicy, "ResourcePolicy", "resourcePolicy")
        keys: dict[str, Any] = {}
        for entry in ContextEntries or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("ContextKeyName"), str):
                raise aws_error("InvalidInput", "Invalid context entry.")
            keys[entry["ContextKeyName"]] = list(entry.get("ContextKeyValues", []))
        self._allow("iam:SimulatePrincipalPolicy", source)
        target = self.directory.find(source)
        if isinstance(target, Role):
            caller: Caller = transient_session(target, self.env.clock.now)
        elif isinstance(target, User) and target.account_id == self.account.account_id:
            caller = target
        else:
            raise aws_error("NoSuchEntity", f"Entity {source} does not exist.")
        owner = ResourceOwner.split(":")[4] if ResourceOwner and ResourceOwner.startswith("arn:") else ResourceOwner
        results = simulate(caller, list(ActionNames), resources, self.env.clock.now, keys=keys, inputs=inputs,
                           resource_policy=ResourcePolicy, resource_owner=owner)
        chunk, extra = page(list(enumerate(results)), lambda r: f"{r[0]:06d}", Marker, MaxItems)
        return {"EvaluationResults": [r for _, r in chunk], **extra}
