"""The condition keys each service puts in a request, built in one place.

A service calls one of these per operation and hands the result to
:meth:`secretkit.iam.Authorizer.require` as ``keys``; the global keys (``aws:PrincipalArn``,
``aws:CurrentTime``, ``kms:CallerAccount``...) are added by the request context itself.
Keys whose value the request does not have are left out, which is what makes a condition
on them fail (or an ``...IfExists`` one pass).

Which keys go with which operation follows the Service Authorization Reference:

* **Secrets Manager** (:func:`secret_keys`): ``secretsmanager:SecretId`` (the ARN) on every
  call about one secret, ``secretsmanager:ResourceTag/<key>`` and ``aws:ResourceTag/<key>``
  from the secret's tags, ``secretsmanager:resource/AllowRotationLambdaArn`` once rotation is
  configured; per operation the request's own values (``VersionId``, ``VersionStage``,
  ``Name``, ``Description``, ``KmsKeyId``, ``RotationLambdaARN``, ``RecoveryWindowInDays``,
  ``ForceDeleteWithoutRecovery``, ``BlockPublicPolicy``, ``AddReplicaRegions``...) and, where
  a call carries tags, ``aws:RequestTag/<key>`` and ``aws:TagKeys``.
* **KMS** (:func:`kms_keys`): ``kms:ViaService`` (``secretsmanager.<region>.amazonaws.com``
  when Secrets Manager calls on the caller's behalf), ``kms:EncryptionContext:<key>`` for
  each pair and ``kms:EncryptionContextKeys``, ``kms:KeySpec``, ``kms:KeyUsage``,
  ``kms:ResourceAliases``, ``kms:GrantIsForAWSResource``.
* **Parameter Store** (:func:`parameter_keys`): ``ssm:Overwrite``, ``ssm:Recursive``,
  ``ssm:Policies``, ``ssm:resourceTag/<key>`` and ``aws:ResourceTag/<key>``.

:func:`parameter_arn` writes a parameter's ARN as IAM matches it: a leading ``/`` of the
name is not doubled (``/app/db`` is ``...:parameter/app/db``).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["call_keys", "kms_keys", "parameter_arn", "parameter_keys", "secret_keys", "via_service"]

# Secrets Manager request members that are condition keys, by the key's own name.
_SECRET_MEMBERS = {
    "VersionId": "secretsmanager:VersionId",
    "VersionStage": "secretsmanager:VersionStage",
    "Name": "secretsmanager:Name",
    "Description": "secretsmanager:Description",
    "KmsKeyId": "secretsmanager:KmsKeyId",
    "RotationLambdaARN": "secretsmanager:RotationLambdaARN",
    "RotateImmediately": "secretsmanager:RotateImmediately",
    "RecoveryWindowInDays": "secretsmanager:RecoveryWindowInDays",
    "ForceDeleteWithoutRecovery": "secretsmanager:ForceDeleteWithoutRecovery",
    "BlockPublicPolicy": "secretsmanager:BlockPublicPolicy",
    "ForceOverwriteReplicaSecret": "secretsmanager:ForceOverwriteReplicaSecret",
}


def _tag_keys(prefix: str, tags: Iterable[Mapping[str, str]] | Mapping[str, str] | None) -> dict[str, Any]:
    if not tags:
        return {}
    pairs = tags.items() if isinstance(tags, Mapping) else ((t["Key"], t["Value"]) for t in tags)
    return {f"{prefix}{k}": v for k, v in pairs}


def via_service(service: str, region: str) -> str:
    """``secretsmanager.us-east-1.amazonaws.com``: the ``kms:ViaService`` value of a service."""
    return f"{service}.{region}.amazonaws.com"


def secret_keys(
    secret_arn: str | None = None,
    *,
    tags: Iterable[Mapping[str, str]] | Mapping[str, str] | None = None,
    rotation_lambda_arn: str | None = None,
    primary_region: str | None = None,
    request: Mapping[str, Any] | None = None,
    request_tags: Iterable[Mapping[str, str]] | None = None,
    add_replica_regions: Iterable[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """Condition keys of a Secrets Manager call.

    ``secret_arn``, ``tags``, ``rotation_lambda_arn`` and ``primary_region`` describe the
    secret the call is about; ``request`` holds the call's own arguments (AWS names);
    ``request_tags`` the tags a CreateSecret or TagResource passes.
    """
    keys: dict[str, Any] = {}
    if secret_arn is not None:
        keys["secretsmanager:SecretId"] = secret_arn
    if tags:
        keys.update(_tag_keys("secretsmanager:ResourceTag/", tags))
        keys.update(_tag_keys("aws:ResourceTag/", tags))
    if rotation_lambda_arn:
        keys["secretsmanager:resource/AllowRotationLambdaArn"] = rotation_lambda_arn
    if primary_region:
        keys["secretsmanager:SecretPrimaryRegion"] = primary_region
    if request:
        members = _SECRET_MEMBERS
        for member, value in request.items():  # the call's few arguments, not every key name
            key = members.get(member)
            if key is not None and value is not None:
                keys[key] = value
    if request and "RotationRules" in request:
        keys["secretsmanager:ModifyRotationRules"] = True
    if request_tags:
        listed = list(request_tags)
        keys.update(_tag_keys("aws:RequestTag/", listed))
        keys["aws:TagKeys"] = tuple(t["Key"] for t in listed)  # tuples: a decision on them can be remembered
    if add_replica_regions:
        keys["secretsmanager:AddReplicaRegions"] = tuple(r["Region"] for r in add_replica_regions)
    return keys


def kms_keys(
    *,
    via: str | None = None,
    encryption_context: Mapping[str, str] | None = None,
    key_spec: str = "SYMMETRIC_DEFAULT",
    key_usage: str = "ENCRYPT_DECRYPT",
    aliases: Iterable[str] = (),
    grant_for_aws_resource: bool | None = None,
) -> dict[str, Any]:
    """Condition keys of a KMS call on one key (``via`` is the calling service's endpoint)."""
    keys: dict[str, Any] = {"kms:KeySpec": key_spec, "kms:KeyUsage": key_usage}
    if via:
        keys["kms:ViaService"] = via
    if encryption_context is not None:
        for name, value in encryption_context.items():
            keys[f"kms:EncryptionContext:{name}"] = value
        keys["kms:EncryptionContextKeys"] = tuple(encryption_context)
    alias_list = tuple(aliases)
    if alias_list:
        keys["kms:ResourceAliases"] = alias_list
    if grant_for_aws_resource is not None:
        keys["kms:GrantIsForAWSResource"] = grant_for_aws_resource
    return keys


def parameter_keys(
    *,
    tags: Iterable[Mapping[str, str]] | Mapping[str, str] | None = None,
    overwrite: bool | None = None,
    recursive: bool | None = None,
    policies: str | None = None,
) -> dict[str, Any]:
    """Condition keys of a Parameter Store call."""
    keys: dict[str, Any] = {}
    keys.update(_tag_keys("ssm:resourceTag/", tags))
    keys.update(_tag_keys("aws:ResourceTag/", tags))
    if overwrite is not None:
        keys["ssm:Overwrite"] = overwrite
    if recursive is not None:
        keys["ssm:Recursive"] = recursive
    if policies is not None:
        keys["ssm:Policies"] = policies
    return keys


def parameter_arn(region: str, account_id: str, name: str) -> str:
    """``arn:aws:ssm:REGION:ACCT:parameter/app/db`` for ``/app/db`` (and for ``app/db``)."""
    return f"arn:aws:ssm:{region}:{account_id}:parameter/{name.removeprefix('/')}"


_TAGGING = frozenset({"CreateSecret", "TagResource"})


def call_keys(service: str, target: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """The service's condition keys for one call, read from the resource's record its
    declaration found (``target.about``, see :mod:`secretkit.core.access`) and from the
    call's own arguments."""
    about = target.about
    if service == "secretsmanager":
        operation = target.action.split(":", 1)[1]
        # Only well-formed entries: a malformed argument is the operation's to refuse, after access control.
        given = params.get("Tags") if operation in _TAGGING else None
        tags = [t for t in given if isinstance(t, dict) and isinstance(t.get("Key"), str)
                and isinstance(t.get("Value"), str)] if isinstance(given, list) else None
        given = params.get("AddReplicaRegions")
        replicas = [r for r in given if isinstance(r, dict) and isinstance(r.get("Region"), str)] \
            if isinstance(given, list) else None
        if about is None:
            return secret_keys(request=params, request_tags=tags, add_replica_regions=replicas)
        return secret_keys(about.arn, tags=about.tags, rotation_lambda_arn=about.rotation_lambda_arn,
                           primary_region=about.primary_region, request=params, request_tags=tags,
                           add_replica_regions=replicas)
    if service == "kms" and about is not None:
        context = params.get("EncryptionContext")
        return kms_keys(encryption_context=context if isinstance(context, dict) else None)
    if service == "ssm" and about is not None:
        found, _ = about
        overwrite, recursive = params.get("Overwrite"), params.get("Recursive")
        return parameter_keys(tags=found.tags if found is not None else None,
                              overwrite=overwrite if isinstance(overwrite, bool) else None,
                              recursive=recursive if isinstance(recursive, bool) else None)
    return None
