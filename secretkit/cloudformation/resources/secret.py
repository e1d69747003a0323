"""``AWS::SecretsManager::Secret``: a secret, with a given or a generated value.

Properties: ``Name`` (replacement), ``Description``, ``KmsKeyId``, ``SecretString`` or
``GenerateSecretString``, ``ReplicaRegions`` (``[{Region, KmsKeyId}]``), ``Tags``.
Leaving out both value properties makes a secret with no value yet.

``GenerateSecretString`` asks Secrets Manager for a random password (``GetRandomPassword``,
so the call shows in the event log). With ``SecretStringTemplate`` and
``GenerateStringKey`` the password is added to that JSON under that key, the usual way to
make ``{"username": "admin", "password": "..."}``. Changing ``SecretString`` or
``GenerateSecretString`` on an update writes a new version (a new password, for the
generated kind); changing only other properties keeps the value.

Without a ``Name`` CloudFormation names the secret ``<LogicalId>-<12 random characters>``.
Ref and ``Fn::GetAtt Id`` return the secret's ARN. Deleting the resource deletes the
secret at once, with no recovery window (replicas first), as CloudFormation does.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_bool, as_int, changed_tags, register

__all__ = ["Secret"]

_FLAGS = ("ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase", "ExcludeLowercase", "IncludeSpace", "RequireEachIncludedType")


def _generated(sm: Any, spec: dict[str, Any]) -> str:
    args: dict[str, Any] = {}
    if "PasswordLength" in spec:
        args["PasswordLength"] = as_int(spec["PasswordLength"], "GenerateSecretString.PasswordLength")
    if "ExcludeCharacters" in spec:
        args["ExcludeCharacters"] = str(spec["ExcludeCharacters"])
    for flag in _FLAGS:
        if flag in spec:
            args[flag] = as_bool(spec[flag], f"GenerateSecretString.{flag}")
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if (template is None) != (key is None):
        raise ResourceFailure("GenerateSecretString needs both SecretStringTemplate and GenerateStringKey, or neither.")
    password = sm.get_random_password(**args)["RandomPassword"]
    if template is None:
        return str(password)
    try:
        document = json.loads(template)
    except ValueError:
        raise ResourceFailure("SecretStringTemplate must be a JSON object.") from None
    if not isinstance(document, dict):
        raise ResourceFailure("SecretStringTemplate must be a JSON object.")
    document[str(key)] = password
    return json.dumps(document, separators=(",", ":"))


def _value(sm: Any, props: dict[str, Any]) -> str | None:
    if "SecretString" in props and "GenerateSecretString" in props:
        raise ResourceFailure("You can't specify both SecretString and GenerateSecretString.")
    if "SecretString" in props:
        return str(props["SecretString"])
    if "GenerateSecretString" in props:
        return _generated(sm, dict(props["GenerateSecretString"]))
    return None


def _replicas(props: dict[str, Any]) -> dict[str, dict[str, str]]:
    out = {}
    for entry in props.get("ReplicaRegions") or []:
        item = {"Region": str(entry["Region"])}
        if entry.get("KmsKeyId"):
            item["KmsKeyId"] = str(entry["KmsKeyId"])
        out[item["Region"]] = item
    return out


@register
class Secret(ResourceType):
    type_name = "AWS::SecretsManager::Secret"
    service_label = "SecretsManager"
    name_property = "Name"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        sm = ctx.service("secretsmanager")
        name = str(props.get("Name") or ctx.generated_name(with_stack=False, max_length=512))
        args: dict[str, Any] = {"Name": name}
        value = _value(sm, props)
        if value is not None:
            args["SecretString"] = value
        for key in ("Description", "KmsKeyId"):
            if props.get(key) is not None:
                args[key] = str(props[key])
        if props.get("Tags"):
            args["Tags"] = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props["Tags"]]
        replicas = _replicas(props)
        if replicas:
            args["AddReplicaRegions"] = list(replicas.values())
        arn = sm.create_secret(**args)["ARN"]
        return Provisioned(arn, arn, {"Id": arn}, {"name": name})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        sm = ctx.service("secretsmanager")
        arn = current.physical_id
        if changed & {"Description", "KmsKeyId"}:
            args: dict[str, Any] = {"SecretId": arn}
            if "Description" in changed:
                args["Description"] = str(new.get("Description", ""))
            if "KmsKeyId" in changed:
                args["KmsKeyId"] = str(new.get("KmsKeyId") or "alias/aws/secretsmanager")
            sm.update_secret(**args)
        if changed & {"SecretString", "GenerateSecretString"}:
            value = _value(sm, new)
            if value is not None:
                sm.put_secret_value(SecretId=arn, SecretString=value)
        if "Tags" in changed:
            to_set, to_remove = changed_tags(old.get("Tags"), new.get("Tags"))
            if to_remove:
                sm.untag_resource(SecretId=arn, TagKeys=to_remove)
            if to_set:
                sm.tag_resource(SecretId=arn, Tags=[{"Key": k, "Value": str(v)} for k, v in to_set.items()])
        if "ReplicaRegions" in changed:
            before, after = _replicas(old), _replicas(new)
            gone = [region for region in before if region not in after]
            if gone:
                sm.remove_regions_from_replication(SecretId=arn, RemoveReplicaRegions=gone)
            added = [entry for region, entry in after.items() if region not in before]
            if added:
                sm.replicate_secret_to_regions(SecretId=arn, AddReplicaRegions=added)
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        sm = ctx.service("secretsmanager")
        arn = current.physical_id
        described = sm.describe_secret(SecretId=arn)
        regions = [r["Region"] for r in described.get("ReplicationStatus", [])]
        if regions:
            sm.remove_regions_from_replication(SecretId=arn, RemoveReplicaRegions=regions)
        sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
