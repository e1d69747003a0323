"""IAM's policies in one account: inline policies, customer managed policies, attachments.

* **Inline** policies live inside one user or role, under a name unique to it. IAM caps
  the *sum* of an entity's inline policies (white space not counted): 2,048 characters
  for a user, 10,240 for a role (``LimitExceeded: Maximum policy size of 10240 bytes
  exceeded for role app``). Putting a policy under an existing name replaces it.
* **Managed** policies stand alone (``arn:aws:iam::ACCT:policy/<path><name>``, version
  ``v1``), at most 6,144 characters, and are attached to at most 10 per user or role.
  A policy still attached cannot be deleted. AWS managed policies
  (``arn:aws:iam::aws:policy/...``) can be attached but not changed.

Every change tells the entity to rebuild its cached policy list, so the next request is
evaluated against what IAM now holds.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .bridge import aws_error
from .directory import Account, Directory
from .documents import PolicyKind, iam_size, load_policy
from .principals import InlinePolicy, ManagedPolicy, Role, User, path_arn

__all__ = ["PolicyStore", "managed_shape", "version_shape"]

_INLINE_LIMIT = {"user": 2048, "role": 10240}
_MAX_ATTACHED = 10
_MAX_POLICIES = 1500
_POLICY_ARN_RE = re.compile(r"arn:aws:iam::(\d{12}|aws):policy(/[\x21-\x7e]*)?/[\w+=,.@-]+", re.ASCII)


def managed_shape(policy: ManagedPolicy) -> dict[str, Any]:
    """The ``Policy`` structure of CreatePolicy, GetPolicy and ListPolicies."""
    out: dict[str, Any] = {
        "PolicyName": policy.name, "PolicyId": policy.policy_id, "Arn": policy.arn, "Path": policy.path,
        "DefaultVersionId": "v1", "AttachmentCount": policy.attachments, "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
    }
    if policy.description:
        out["Description"] = policy.description
    out["CreateDate"] = policy.created
    out["UpdateDate"] = policy.updated or policy.created
    if policy.tags:
        out["Tags"] = [dict(t) for t in policy.tags]
    return out


def version_shape(policy: ManagedPolicy) -> dict[str, Any]:
    """The ``PolicyVersion`` of GetPolicyVersion (the document parsed, as boto3 gives it)."""
    return {"Document": json.loads(policy.text), "VersionId": "v1", "IsDefaultVersion": True,
            "CreateDate": policy.created}


def _no_policy(arn: str) -> Exception:
    return aws_error("NoSuchEntity", f"Policy {arn} does not exist or is not attachable.")


class PolicyStore:
    """Inline and managed policies of one account."""

    def __init__(self, directory: Directory, account: Account) -> None:
        self.directory = directory
        self.account = account

    # ------------------------------------------------------------------ inline
    def put_inline(self, entity: User | Role, name: str, text: str) -> None:
        kind = "user" if isinstance(entity, User) else "role"
        others = sum(iam_size(p.text) for key, p in entity.inline.items() if key != name.lower())
        limit = _INLINE_LIMIT[kind]
        if others + iam_size(text) > limit:
            raise aws_error("LimitExceeded", f"Maximum policy size of {limit} bytes exceeded for {kind} {entity.name}")
        policy = load_policy(text, PolicyKind.INLINE)
        entity.inline[name.lower()] = InlinePolicy(name, text, policy)
        entity.changed()

    def inline(self, entity: User | Role, name: str) -> InlinePolicy:
        found = entity.inline.get(name.lower())
        if found is None:
            kind = "user" if isinstance(entity, User) else "role"
            raise aws_error("NoSuchEntity", f"The {kind} policy with name {name} cannot be found.")
        return found

    def delete_inline(self, entity: User | Role, name: str) -> None:
        self.inline(entity, name)
        del entity.inline[name.lower()]
        entity.changed()

    @staticmethod
    def inline_names(entity: User | Role) -> list[str]:
        return sorted((p.name for p in entity.inline.values()), key=str.lower)

    # ----------------------------------------------------------------- managed
    def create(self, name: str, path: str, text: str, description: str, tags: list[dict[str, str]]) -> ManagedPolicy:
        if any(p.name.lower() == name.lower() for p in self.account.policies.values()):
            raise aws_error("EntityAlreadyExists", f"A policy called {name} already exists. Duplicate names are not allowed.")
        policy = load_policy(text, PolicyKind.MANAGED)
        if len(self.account.policies) >= _MAX_POLICIES:
            raise aws_error("LimitExceeded", f"Cannot exceed quota for PoliciesPerAccount: {_MAX_POLICIES}")
        now = self.directory.clock.now
        arn = path_arn(self.account.account_id, "policy", path, name)
        managed = ManagedPolicy(arn, name, path, self.directory.unique_id("ANPA"), now, text, policy,
                                description=description, updated=now, tags=tags)
        self.account.policies[arn] = managed
        return managed

    def get(self, arn: str) -> ManagedPolicy:
        if not _POLICY_ARN_RE.fullmatch(arn):
            raise aws_error("InvalidInput", f"ARN {arn} is not valid.")
        found = self.account.managed(arn)
        if found is None:
            raise _no_policy(arn)
        return found

    def delete(self, arn: str) -> None:
        policy = self.get(arn)
        if policy.aws_managed:
            raise aws_error("InvalidInput", f"ARN {arn} is not valid.")
        if policy.attachments:
            raise aws_error("DeleteConflict", "Cannot delete a policy attached to entities.")
        del self.account.policies[arn]

    def listed(self, scope: str, only_attached: bool, path_prefix: str) -> list[ManagedPolicy]:
        """Managed policies in ListPolicies order (by name), filtered as asked."""
        pool: list[ManagedPolicy] = []
        if scope in ("All", "AWS"):
            pool += self.account.all_aws_policies()
        if scope in ("All", "Local"):
            pool += list(self.account.policies.values())
        pool = [p for p in pool if p.path.startswith(path_prefix) and (p.attachments or not only_attached)]
        return sorted(pool, key=lambda p: (p.name.lower(), p.arn))

    # ------------------------------------------------------------- attachments
    def attach(self, entity: User | Role, arn: str) -> None:
        policy = self.get(arn)
        if policy in entity.attached:
            return
        if len(entity.attached) >= _MAX_ATTACHED:
            which = "PoliciesPerUser" if isinstance(entity, User) else "PoliciesPerRole"
            raise aws_error("LimitExceeded", f"Cannot exceed quota for {which}: {_MAX_ATTACHED}")
        entity.attached.append(policy)
        policy.attachments += 1
        entity.changed()

    def detach(self, entity: User | Role, arn: str) -> None:
        policy = self.get(arn)
        if policy not in entity.attached:
            raise aws_error("NoSuchEntity", f"Policy {arn} was not found.")
        entity.attached.remove(policy)
        policy.attachments -= 1
        entity.changed()

    @staticmethod
    def attached(entity: User | Role, path_prefix: str) -> list[dict[str, str]]:
        chosen = [p for p in entity.attached if p.path.startswith(path_prefix)]
        return [{"PolicyName": p.name, "PolicyArn": p.arn} for p in sorted(chosen, key=lambda p: p.name.lower())]
