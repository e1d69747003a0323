"""Resource policies on secrets: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy
and ValidateResourcePolicy.

Resource policies are stored and checked for shape (JSON, a Statement list, Effect and
Action in each statement), and enforced by the Cloud's access control on every call about
the secret. With ``BlockPublicPolicy`` (the default) a policy that grants broad access is
refused with ``PublicPolicyException``; ``ValidateResourcePolicy`` reports the same check,
the policy's syntax as IAM parses it, and whether the policy would lock its caller out.
Both ask access control (``env.guard``), which knows policies; without one (a service
built outside a Cloud) only the shape checks run.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..core.checks import check_bool, check_length, check_pattern, check_str, fail, loads_json
from ..core.service import operation
from .store import Part

__all__ = ["ResourcePolicies"]

_POLICY_NAME_RE = re.compile(r"[0-9A-Za-z\-_]+")


class ResourcePolicies(Part):
    """The four resource-policy operations of Secrets Manager."""

    @operation("PutResourcePolicy")
    def put_resource_policy(
        self, *, SecretId: str, ResourcePolicy: str, BlockPublicPolicy: bool = True, PolicyName: str | None = None
    ) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        self._check_policy(ResourcePolicy)
        if PolicyName is not None:
            check_length(check_str(PolicyName, "PolicyName"), "policyName", 1, 64)
            check_pattern(PolicyName, "policyName", _POLICY_NAME_RE)
        check_bool(BlockPublicPolicy, "BlockPublicPolicy")
        guard = self.env.guard
        if guard is not None:
            guard.written_policy(ResourcePolicy, "secret")  # parsed as IAM parses it, principals that exist
        if BlockPublicPolicy and guard is not None and guard.is_public(ResourcePolicy):
            raise fail("PublicPolicyException", "BlockPublicPolicy is set and the resource policy grants public access.")
        secret.resource_policy = ResourcePolicy
        self.store.changed(secret)
        out = {"ARN": secret.arn, "Name": secret.name}
        if PolicyName is not None:
            out["PolicyName"] = PolicyName
        return out

    @operation("GetResourcePolicy")
    def get_resource_policy(self, *, SecretId: str, PolicyName: str | None = None) -> dict[str, Any]:
        secret = self.store.find(SecretId)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if secret.resource_policy is not None:
            out["ResourcePolicy"] = secret.resource_policy
        return out

    @operation("DeleteResourcePolicy")
    def delete_resource_policy(self, *, SecretId: str, PolicyName: str | None = None) -> dict[str, Any]:
        secret = self.store.writable(SecretId)
        secret.resource_policy = None
        self.store.changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}

    @operation("ValidateResourcePolicy")
    def validate_resource_policy(self, *, ResourcePolicy: str, SecretId: str | None = None) -> dict[str, Any]:
        secret = self.store.find(SecretId) if SecretId is not None else None
        errors = self._policy_errors(ResourcePolicy)
        guard = self.env.guard
        if not errors and guard is not None:
            errors = guard.review_secret_policy(ResourcePolicy, secret.arn if secret is not None else None)
        out: dict[str, Any] = {"PolicyValidationPassed": not errors, "ValidationErrors": errors}
        return out

    def _check_policy(self, policy: object) -> None:
        check_length(check_str(policy, "ResourcePolicy"), "resourcePolicy", 1, 20480)
        if self._policy_errors(policy):  # type: ignore[arg-type]
            raise fail("MalformedPolicyDocumentException", "This resource policy contains a syntax error.")

    @staticmethod
    def _policy_errors(policy: str) -> list[dict[str, str]]:
        """Shape checks only: JSON, a Statement list, each with Effect and Action."""
        check_length(check_str(policy, "ResourcePolicy"), "resourcePolicy", 1, 20480)
        try:
            doc = loads_json(policy)
        except ValueError:
            return [{"CheckName": "JSON", "ErrorMessage": "The policy is not valid JSON."}]
        if not isinstance(doc, dict) or "Statement" not in doc:
            return [{"CheckName": "Statement", "ErrorMessage": "The policy has no Statement."}]
        statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        errors = []
        for i, st in enumerate(statements):
            if not isinstance(st, dict):
                errors.append({"CheckName": "Statement", "ErrorMessage": f"Statement {i} is not an object."})
                continue
            if st.get("Effect") not in ("Allow", "Deny"):
                errors.append({"CheckName": "Effect", "ErrorMessage": f"Statement {i} needs Effect Allow or Deny."})
            if "Action" not in st and "NotAction" not in st:
                errors.append({"CheckName": "Action", "ErrorMessage": f"Statement {i} needs an Action."})
        return errors
