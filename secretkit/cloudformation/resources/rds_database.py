"""``AWS::RDS::DBInstance`` and ``AWS::RDS::DBCluster``, run by the kit's RDS on its
simulated database servers (``cloud.client("rds")`` shows them).

The master password comes one of two ways, as on AWS:

* ``MasterUserPassword``, typically a dynamic reference such as
  ``{{resolve:secretsmanager:app/db:SecretString:password}}``, so the password lives in a
  secret the stack also makes. Remember the stale-reference trap: a later stack update
  does not read the reference again unless this resource itself changes.
* ``ManageMasterUserPassword: true``: RDS makes and owns the secret (``rds!db-<uuid>`` or
  ``rds!cluster-<uuid>``, ``OwningService: rds``) and rotates it itself every 7 days, no
  function needed. ``MasterUserSecret.KmsKeyId`` chooses its key. ``Fn::GetAtt
  <Db>.MasterUserSecret.SecretArn`` gives the secret's ARN.

Properties passed to RDS: ``Engine``, ``EngineVersion``, ``DBInstanceClass``,
``AllocatedStorage``, ``DBName`` / ``DatabaseName``, ``MasterUsername``, ``Port``,
``DBClusterIdentifier`` (an instance in a cluster), ``AvailabilityZone``, ``MultiAZ``,
``PubliclyAccessible``, ``StorageType``, ``StorageEncrypted``, ``KmsKeyId``,
``DeletionProtection``, ``BackupRetentionPeriod``, ``VPCSecurityGroups`` /
``VpcSecurityGroupIds``, ``DBSubnetGroupName``, ``Tags``. Without an identifier
CloudFormation makes one up in lower case (``<stack>-<logicalid>-<random>``); a given one is
lower-cased too. Changing the password settings, the instance class, the storage, the
engine version, ``DeletionProtection``, ``PubliclyAccessible``, ``BackupRetentionPeriod`` or
the security groups is an update in place (``ModifyDB*`` with ``ApplyImmediately``); the
create-only properties of the registry schema (``Engine``, ``DBName``, ``MasterUsername``,
``Port``, ``StorageEncrypted``, ``KmsKeyId``...) replace the database.

Ref returns the identifier. ``Fn::GetAtt`` of an instance: ``Endpoint.Address``,
``Endpoint.Port``, ``Endpoint.HostedZoneId``, ``DBInstanceArn``, ``DbiResourceId``,
``MasterUserSecret.SecretArn``; of a cluster: ``Endpoint.Address``, ``Endpoint.Port``,
``ReadEndpoint.Address``, ``DBClusterArn``, ``DBClusterResourceId``,
``MasterUserSecret.SecretArn``. Ports are given as text, as CloudFormation does.

Deleting skips the final snapshot: the kit keeps no snapshots (on AWS these types default
to ``DeletionPolicy: Snapshot`` and would take one).
"""

from __future__ import annotations

from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, as_bool, as_int, register

__all__ = ["DBCluster", "DBInstance", "HOSTED_ZONES"]

#: The Route 53 zone of RDS endpoints by region (``Endpoint.HostedZoneId``); others get us-east-1's.
HOSTED_ZONES = {"us-east-1": "Z2R2ITUGPM61AM", "us-east-2": "Z2XHWR1WZ565X2", "us-west-2": "Z1PVIF0B656C1W",
                "eu-west-1": "Z29XKXDKYMONMX", "eu-west-2": "Z1TTGA775OQIYO", "eu-central-1": "Z1RLNUO7B9Q6NB"}

_TEXT = ("EngineVersion", "AvailabilityZone", "StorageType", "KmsKeyId", "DBSubnetGroupName")
_FLAGS = ("MultiAZ", "PubliclyAccessible", "StorageEncrypted", "DeletionProtection", "ManageMasterUserPassword")
_INSTANCE_MODIFY = ("DBInstanceClass", "AllocatedStorage", "EngineVersion", "DeletionProtection", "PubliclyAccessible",
                    "BackupRetentionPeriod", "VPCSecurityGroups", "VpcSecurityGroupIds")
_CLUSTER_MODIFY = ("DeletionProtection", "BackupRetentionPeriod")
_PASSWORD = ("MasterUserPassword", "ManageMasterUserPassword", "MasterUserSecret")


def _identifier(ctx: ResourceContext, props: dict[str, Any], key: str) -> str:
    given = props.get(key)
    if given:
        return str(given).lower()
    name = ctx.generated_name(max_length=63).lower()
    return "-".join(part for part in name.split("-") if part)  # no doubled or trailing hyphens


def _common(props: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {"Engine": str(props.get("Engine") or "")}
    for key in _TEXT:
        if props.get(key) is not None:
            args[key] = str(props[key])
    for key in _FLAGS:
        if props.get(key) is not None:
            args[key] = as_bool(props[key], key)
    for key in ("Port", "BackupRetentionPeriod", "AllocatedStorage"):
        if props.get(key) is not None:
            args[key] = as_int(props[key], key)
    for key in ("MasterUsername", "MasterUserPassword"):
        if props.get(key) is not None:
            args[key] = str(props[key])
    secret = props.get("MasterUserSecret") or {}
    if secret.get("KmsKeyId") is not None:
        args["MasterUserSecretKmsKeyId"] = str(secret["KmsKeyId"])
    groups = props.get("VPCSecurityGroups") or props.get("VpcSecurityGroupIds")
    if groups:
        args["VpcSecurityGroupIds"] = [str(g) for g in groups]
    if props.get("Tags"):
        args["Tags"] = [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in props["Tags"]]
    return args


def _password_change(old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]) -> dict[str, Any]:
    """ModifyDB* arguments for a change of the master password settings."""
    if not changed & set(_PASSWORD):
        return {}
    managed_before = as_bool(old.get("ManageMasterUserPassword", False), "ManageMasterUserPassword")
    managed_after = as_bool(new.get("ManageMasterUserPassword", False), "ManageMasterUserPassword")
    args: dict[str, Any] = {}
    if managed_after != managed_before:
        args["ManageMasterUserPassword"] = managed_after
    if not managed_after and new.get("MasterUserPassword") is not None and (
        "MasterUserPassword" in changed or managed_before
    ):
        args["MasterUserPassword"] = str(new["MasterUserPassword"])
    key = (new.get("MasterUserSecret") or {}).get("KmsKeyId")
    if managed_after and "MasterUserSecret" in changed and key is not None:
        args["MasterUserSecretKmsKeyId"] = str(key)
    return args


def _secret_attribute(entry: dict[str, Any]) -> dict[str, Any]:
    secret = entry.get("MasterUserSecret")
    return {"MasterUserSecret.SecretArn": secret["SecretArn"]} if secret else {}


@register
class DBInstance(ResourceType):
    type_name = "AWS::RDS::DBInstance"
    service_label = "RDS"
    name_property = "DBInstanceIdentifier"

    @staticmethod
    def _attributes(ctx: ResourceContext, entry: dict[str, Any]) -> dict[str, Any]:
        endpoint = entry.get("Endpoint") or {}
        return {
            "Endpoint.Address": endpoint.get("Address"), "Endpoint.Port": str(endpoint.get("Port")),
            "Endpoint.HostedZoneId": HOSTED_ZONES.get(ctx.region, HOSTED_ZONES["us-east-1"]),
            "DBInstanceArn": entry["DBInstanceArn"], "DbiResourceId": entry["DbiResourceId"], **_secret_attribute(entry),
        }

    def _describe(self, ctx: ResourceContext, identifier: str) -> dict[str, Any]:
        return dict(ctx.service("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0])

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        identifier = _identifier(ctx, props, "DBInstanceIdentifier")
        args = _common(props)
        if props.get("DBInstanceClass") is None:
            raise ResourceFailure("Property DBInstanceClass cannot be empty.")
        args["DBInstanceClass"] = str(props["DBInstanceClass"])
        if props.get("DBName") is not None:
            args["DBName"] = str(props["DBName"])
        if props.get("DBClusterIdentifier") is not None:
            args["DBClusterIdentifier"] = str(props["DBClusterIdentifier"]).lower()
        ctx.service("rds").create_db_instance(DBInstanceIdentifier=identifier, **args)
        return Provisioned(identifier, identifier, self._attributes(ctx, self._describe(ctx, identifier)))

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        args = _password_change(old, new, changed)
        for key in changed & set(_INSTANCE_MODIFY):
            value = new.get(key)
            if key in ("VPCSecurityGroups", "VpcSecurityGroupIds"):
                args["VpcSecurityGroupIds"] = [str(g) for g in value or []]
            elif key in ("AllocatedStorage", "BackupRetentionPeriod"):
                args[key] = as_int(value, key)
            elif key in ("DeletionProtection", "PubliclyAccessible"):
                args[key] = as_bool(value if value is not None else False, key)
            elif value is not None:
                args[key] = str(value)
        unmodelled = changed - set(_INSTANCE_MODIFY) - set(_PASSWORD)
        if unmodelled:
            raise ResourceFailure(
                f"secretkit's ModifyDBInstance does not change {', '.join(sorted(unmodelled))}; not modelled."
            )
        if args:
            ctx.service("rds").modify_db_instance(DBInstanceIdentifier=current.physical_id, ApplyImmediately=True, **args)
        current.attributes = self._attributes(ctx, self._describe(ctx, current.physical_id))
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("rds").delete_db_instance(DBInstanceIdentifier=current.physical_id, SkipFinalSnapshot=True)


@register
class DBCluster(ResourceType):
    type_name = "AWS::RDS::DBCluster"
    service_label = "RDS"
    name_property = "DBClusterIdentifier"

    @staticmethod
    def _attributes(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            "Endpoint.Address": entry["Endpoint"], "Endpoint.Port": str(entry["Port"]),
            "ReadEndpoint.Address": entry["ReaderEndpoint"], "DBClusterArn": entry["DBClusterArn"],
            "DBClusterResourceId": entry["DbClusterResourceId"], **_secret_attribute(entry),
        }

    def _describe(self, ctx: ResourceContext, identifier: str) -> dict[str, Any]:
        return dict(ctx.service("rds").describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0])

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        identifier = _identifier(ctx, props, "DBClusterIdentifier")
        args = _common(props)
        for key in ("AvailabilityZone", "MultiAZ", "PubliclyAccessible", "StorageType", "AllocatedStorage"):
            args.pop(key, None)  # instance settings; a cluster's instances are separate resources
        if props.get("DatabaseName") is not None:
            args["DatabaseName"] = str(props["DatabaseName"])
        if props.get("EngineMode") is not None:
            args["EngineMode"] = str(props["EngineMode"])
        if props.get("AvailabilityZones") is not None:
            args["AvailabilityZones"] = [str(z) for z in props["AvailabilityZones"]]
        ctx.service("rds").create_db_cluster(DBClusterIdentifier=identifier, **args)
        return Provisioned(identifier, identifier, self._attributes(self._describe(ctx, identifier)))

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        args = _password_change(old, new, changed)
        for key in changed & set(_CLUSTER_MODIFY):
            value = new.get(key)
            args[key] = as_int(value, key) if key == "BackupRetentionPeriod" else as_bool(value or False, key)
        unmodelled = changed - set(_CLUSTER_MODIFY) - set(_PASSWORD)
        if unmodelled:
            raise ResourceFailure(
                f"secretkit's ModifyDBCluster does not change {', '.join(sorted(unmodelled))}; not modelled."
            )
        if args:
            ctx.service("rds").modify_db_cluster(DBClusterIdentifier=current.physical_id, ApplyImmediately=True, **args)
        current.attributes = self._attributes(self._describe(ctx, current.physical_id))
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        ctx.service("rds").delete_db_cluster(DBClusterIdentifier=current.physical_id, SkipFinalSnapshot=True)
