"""IAM's users, access keys and roles in one account: the rules and messages of their life
cycle, and the boto3 shapes IAM returns for them.

* Names are unique in an account *ignoring case* (``Alice`` and ``alice`` cannot both
  exist) and are looked up the same way; ARNs keep the case given at creation.
* A user holds at most two access keys; a user with keys or policies, or a role with
  policies, cannot be deleted (``DeleteConflict``) until they are removed.
* A role's trust policy is validated as a trust policy, and every user or role it names
  must exist (``Invalid principal in policy: "AWS":"arn:..."``).
* IAM returns policy documents URL-encoded in its XML; boto3 decodes and parses them, so
  the shapes here carry the parsed JSON (a dict), as a boto3 user sees it.
"""

from __future__ import annotations

import json
from typing import Any

from .bridge import aws_error
from .directory import MAX_KEYS, Account, Directory
from .documents import Policy, PolicyKind, check_principals_exist, load_policy
from .principals import AccessKey, Role, Root, User

__all__ = ["Entities", "access_key_shape", "role_shape", "user_shape"]

_MAX_USERS = 5000
_MAX_ROLES = 1000


def user_shape(user: User | Root) -> dict[str, Any]:
    """The ``User`` structure GetUser/CreateUser return (the root user has no name or path)."""
    if isinstance(user, Root):
        return {"UserId": user.account_id, "Arn": user.arn, "CreateDate": user.created}
    out: dict[str, Any] = {"Path": user.path, "UserName": user.name, "UserId": user.user_id, "Arn": user.arn,
                           "CreateDate": user.created}
    if user.tags:
        out["Tags"] = [dict(t) for t in user.tags]
    return out


def role_shape(role: Role, *, full: bool = True) -> dict[str, Any]:
    """The ``Role`` structure; ``full`` adds what only GetRole shows (tags, last use)."""
    out: dict[str, Any] = {
        "Path": role.path, "RoleName": role.name, "RoleId": role.role_id, "Arn": role.arn,
        "CreateDate": role.created, "AssumeRolePolicyDocument": json.loads(role.trust.text),
        "MaxSessionDuration": role.max_session,
    }
    if role.description is not None:
        out["Description"] = role.description
    if full:
        if role.tags:
            out["Tags"] = [dict(t) for t in role.tags]
        used: dict[str, Any] = {}
        if role.last_used is not None:
            used = {"LastUsedDate": role.last_used[0], "Region": role.last_used[1]}
        out["RoleLastUsed"] = used
    return out


def access_key_shape(key: AccessKey, *, secret: bool = False) -> dict[str, Any]:
    """``AccessKey`` (with the secret, only ever returned by CreateAccessKey) or its metadata."""
    owner = key.owner
    out: dict[str, Any] = {"UserName": owner.name if isinstance(owner, User) else "root",
                           "AccessKeyId": key.key_id, "Status": key.status}
    if secret:
        out["SecretAccessKey"] = key.secret
    out["CreateDate"] = key.created
    return out


def _no_user(name: str) -> Exception:
    return aws_error("NoSuchEntity", f"The user with name {name} cannot be found.")


def _no_role(name: str) -> Exception:
    return aws_error("NoSuchEntity", f"The role with name {name} cannot be found.")


class Entities:
    """Users, keys and roles of one account (validated input in, records out)."""

    def __init__(self, directory: Directory, account: Account) -> None:
        self.directory = directory
        self.account = account

    # -------------------------------------------------------------------- users
    def user(self, name: str) -> User:
        found = self.account.user(name)
        if found is None:
            raise _no_user(name)
        return found

    def create_user(self, name: str, path: str, tags: list[dict[str, str]]) -> User:
        if self.account.user(name) is not None:
            raise aws_error("EntityAlreadyExists", f"User with name {name} already exists.")
        if len(self.account.users) >= _MAX_USERS:
            raise aws_error("LimitExceeded", f"Cannot exceed quota for UsersPerAccount: {_MAX_USERS}")
        user = User(self.account.account_id, name, path, self.directory.unique_id("AIDA"), self.directory.clock.now,
                    tags)
        self.account.users[name.lower()] = user
        return user

    def delete_user(self, name: str) -> None:
        user = self.user(name)
        if user.inline:
            raise aws_error("DeleteConflict", "Cannot delete entity, must delete policies first.")
        if user.attached:
            raise aws_error("DeleteConflict", "Cannot delete entity, must detach all policies first.")
        if user.access_keys:
            raise aws_error("DeleteConflict", "Cannot delete entity, must delete access keys first.")
        del self.account.users[name.lower()]

    # --------------------------------------------------------------- access keys
    def create_access_key(self, owner: User | Root) -> AccessKey:
        if len(owner.access_keys) >= MAX_KEYS:
            raise aws_error("LimitExceeded", f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
        return self.directory.new_access_key(owner)

    def delete_access_key(self, owner: User | Root, key_id: str) -> None:
        for key in owner.access_keys:
            if key.key_id == key_id:
                self.directory.remove_access_key(key)
                return
        raise aws_error("NoSuchEntity", f"The Access Key with id {key_id} cannot be found.")

    # -------------------------------------------------------------------- roles
    def role(self, name: str) -> Role:
        found = self.account.role(name)
        if found is None:
            raise _no_role(name)
        return found

    def trust_policy(self, text: str) -> Policy:
        """A trust policy document, validated, with every principal it names existing."""
        policy = load_policy(text, PolicyKind.TRUST)
        check_principals_exist(policy, self.directory.exists)
        return policy

    def create_role(self, name: str, trust_text: str, path: str, description: str | None, max_session: int,
                    tags: list[dict[str, str]]) -> Role:
        if self.account.role(name) is not None:
            raise aws_error("EntityAlreadyExists", f"Role with name {name} already exists.")
        trust = self.trust_policy(trust_text)
        if len(self.account.roles) >= _MAX_ROLES:
            raise aws_error("LimitExceeded", f"Cannot exceed quota for RolesPerAccount: {_MAX_ROLES}")
        role = Role(self.account.account_id, name, path, self.directory.unique_id("AROA"), self.directory.clock.now,
                    trust, description, max_session, tags)
        self.account.roles[name.lower()] = role
        return role

    def update_trust(self, name: str, text: str) -> None:
        role = self.role(name)
        role.trust = self.trust_policy(text)

    def delete_role(self, name: str) -> None:
        role = self.role(name)
        if role.inline:
            raise aws_error("DeleteConflict", "Cannot delete entity, must delete policies first.")
        if role.attached:
            raise aws_error("DeleteConflict", "Cannot delete entity, must detach all policies first.")
        del self.account.roles[name.lower()]
