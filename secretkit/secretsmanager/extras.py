"""Secrets Manager's tags, random passwords and resource policies.

Resource policies are stored and checked for shape (JSON, a Statement list, Effect and
Action in each statement, no public grant when BlockPublicPolicy is set); they are not
enforced, since the model has no callers with identities to enforce them against.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..core.checks import check_bool, check_int, check_length, check_list, check_pattern, check_str, fail
from ..core.ids import random_password
from ..core.service import operation

if TYPE_CHECKING:
    from .service import SecretsManager

__all__ = ["ExtrasOperations"]

_MAX_TAGS = 50
_POLICY_NAME_RE = re.compile(r"[0-9A-Za-z\-_]+")


class ExtrasOperations:
    """Mixin of :class:`~secretkit.secretsmanager.service.SecretsManager`."""

    @operation("TagResource")
    def tag_resource(self: "SecretsManager", *, SecretId: str, Tags: list[dict[str, str]]) -> dict[str, Any]:
        secret = self._writable(SecretId)
        tags = self._check_tags(Tags)
        merged = {t["Key"]: t["Value"] for t in secret.tags}
        merged.update({t["Key"]: t["Value"] for t in tags})
        if len(merged) > _MAX_TAGS:
            raise fail("LimitExceededException", f"A secret can have at most {_MAX_TAGS} tags.")
        secret.tags = [{"Key": k, "Value": v} for k, v in merged.items()]
        self._changed(secret)
        return {}

    @operation("UntagResource")
    def untag_resource(self: "SecretsManager", *, SecretId: str, TagKeys: list[str]) -> dict[str, Any]:
        secret = self._writable(SecretId)
        keys = check_list(TagKeys, "TagKeys", 0, _MAX_TAGS)
        for key in keys:
            check_length(check_str(key, "TagKeys"), "tagKeys.member", 1, 128)
        secret.tags = [t for t in secret.tags if t["Key"] not in set(keys)]
        self._changed(secret)
        return {}

    @operation("GetRandomPassword")
    def get_random_password(
        self: "SecretsManager",
        *,
        PasswordLength: int = 32,
        ExcludeCharacters: str = "",
        ExcludeNumbers: bool = False,
        ExcludePunctuation: bool = False,
        ExcludeUppercase: bool = False,
        ExcludeLowercase: bool = False,
        IncludeSpace: bool = False,
        RequireEachIncludedType: bool = True,
    ) -> dict[str, Any]:
        check_int(PasswordLength, "PasswordLength")
        if not 1 <= PasswordLength <= 4096:
            raise fail(
                "InvalidParameterException", "Password length must be between 1 and 4096 characters (inclusive)."
            )
        check_length(check_str(ExcludeCharacters, "ExcludeCharacters"), "excludeCharacters", 0, 4096)
        for name, flag in (
            ("ExcludeNumbers", ExcludeNumbers),
            ("ExcludePunctuation", ExcludePunctuation),
            ("ExcludeUppercase", ExcludeUppercase),
            ("ExcludeLowercase", ExcludeLowercase),
            ("IncludeSpace", IncludeSpace),
            ("RequireEachIncludedType", RequireEachIncludedType),
        ):
            check_bool(flag, name)
        password = random_password(
            self.env.ids.rng,
            PasswordLength,
            exclude_characters=ExcludeCharacters,
            exclude_numbers=ExcludeNumbers,
            exclude_punctuation=ExcludePunctuation,
            exclude_uppercase=ExcludeUppercase,
            exclude_lowercase=ExcludeLowercase,
            include_space=IncludeSpace,
            require_each_included_type=RequireEachIncludedType,
        )
        if password is None:
            raise fail("InvalidParameterException", "Password length is too short based on the required types.")
        return {"RandomPassword": password}

    # ------------------------------------------------------------ resource policies
    @operation("PutResourcePolicy")
    def put_resource_policy(
        self: "SecretsManager", *, SecretId: str, ResourcePolicy: str, BlockPublicPolicy: bool = True, PolicyName: str | None = None
    ) -> dict[str, Any]:
        secret = self._writable(SecretId)
        self._check_policy(ResourcePolicy)
        if PolicyName is not None:
            check_length(check_str(PolicyName, "PolicyName"), "policyName", 1, 64)
            check_pattern(PolicyName, "policyName", _POLICY_NAME_RE)
        check_bool(BlockPublicPolicy, "BlockPublicPolicy")
        if BlockPublicPolicy and '"*"' in ResourcePolicy.replace(" ", "") and '"Principal":"*"' in ResourcePolicy.replace(" ", ""):
            raise fail("PublicPolicyException", "BlockPublicPolicy is set and the resource policy grants public access.")
        secret.resource_policy = ResourcePolicy
        self._changed(secret)
        out = {"ARN": secret.arn, "Name": secret.name}
        if PolicyName is not None:
            out["PolicyName"] = PolicyName
        return out

    @operation("GetResourcePolicy")
    def get_resource_policy(self: "SecretsManager", *, SecretId: str, PolicyName: str | None = None) -> dict[str, Any]:
        secret = self.find(SecretId)
        out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
        if secret.resource_policy is not None:
            out["ResourcePolicy"] = secret.resource_policy
        return out

    @operation("DeleteResourcePolicy")
    def delete_resource_policy(self: "SecretsManager", *, SecretId: str, PolicyName: str | None = None) -> dict[str, Any]:
        secret = self._writable(SecretId)
        secret.resource_policy = None
        self._changed(secret)
        return {"ARN": secret.arn, "Name": secret.name}

    @operation("ValidateResourcePolicy")
    def validate_resource_policy(self: "SecretsManager", *, ResourcePolicy: str, SecretId: str | None = None) -> dict[str, Any]:
        if SecretId is not None:
            self.find(SecretId)
        errors = self._policy_errors(ResourcePolicy)
        out: dict[str, Any] = {"PolicyValidationPassed": not errors, "ValidationErrors": errors}
        return out

    def _check_policy(self: "SecretsManager", policy: object) -> None:
        check_length(check_str(policy, "ResourcePolicy"), "resourcePolicy", 1, 20480)
        if self._policy_errors(policy):  # type: ignore[arg-type]
            raise fail("MalformedPolicyDocumentException", "This resource policy contains a syntax error.")

    @staticmethod
    def _policy_errors(policy: str) -> list[dict[str, str]]:
        """Shape checks only: JSON, a Statement list, each with Effect and Action."""
        check_length(check_str(policy, "ResourcePolicy"), "resourcePolicy", 1, 20480)
        try:
            doc = json.loads(policy)
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
