"""The records of RDS: DB instances, DB clusters, the master user secret, and how the describe
calls show them.

An instance (or a cluster) is backed by a simulated database server
(:class:`secretkit.databases.Database`) that answers at the instance's endpoint address, so
a login with the master user's password is checked for real. RDS's addresses have a fixed
shape: ``<identifier>.<account-region id>.<region>.rds.amazonaws.com`` for an instance,
``<identifier>.cluster-<id>...`` for a cluster's writer endpoint and
``<identifier>.cluster-ro-<id>...`` for its reader endpoint, where the 12-character id is
the same for every instance of one account in one region. A cluster's instances answer at
their own addresses too, all for the one server of the cluster (the kit models no
replication lag between a writer and its readers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .engines import RdsEngine

if TYPE_CHECKING:
    from ..databases import Database

__all__ = ["Cluster", "Instance", "MasterSecret", "describe_cluster", "describe_instance"]

#: When RDS applies changes that wait for the maintenance window (the kit's fixed window).
MAINTENANCE_WINDOW = "sun:05:00-sun:05:30"
BACKUP_WINDOW = "03:00-03:30"


@dataclass(slots=True)
class MasterSecret:
    """The secret RDS keeps the master user's credentials in (``ManageMasterUserPassword``)."""

    arn: str
    kms_key_arn: str


@dataclass(slots=True)
class Instance:
    """One DB instance."""

    identifier: str
    arn: str
    resource_id: str  # DbiResourceId, "db-" + 26 characters
    engine: RdsEngine
    engine_version: str
    instance_class: str
    created: datetime
    address: str
    port: int
    availability_zone: str
    database: Database
    master_username: str | None = None  # None for a cluster's member: the cluster holds it
    dbname: str | None = None
    allocated_storage: int = 1
    cluster: str | None = None  # the identifier of the cluster it belongs to
    master_secret: MasterSecret | None = None
    deletion_protection: bool = False
    storage_encrypted: bool = False
    kms_key_id: str | None = None
    publicly_accessible: bool = False
    multi_az: bool = False
    storage_type: str = "gp2"
    backup_retention: int = 1
    vpc_security_groups: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)  # waits for the maintenance window
    maintenance_timer: Any = None
    status: str = "available"


@dataclass(slots=True)
class Cluster:
    """One DB cluster (Aurora or DocumentDB): the master user, the storage, the endpoints."""

    identifier: str
    arn: str
    resource_id: str  # DbClusterResourceId, "cluster-" + 26 characters
    engine: RdsEngine
    engine_version: str
    created: datetime
    endpoint: str
    reader_endpoint: str
    port: int
    master_username: str
    database: Database
    database_name: str | None = None
    availability_zones: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # instance identifiers; the first is the writer
    master_secret: MasterSecret | None = None
    deletion_protection: bool = False
    storage_encrypted: bool = False
    kms_key_id: str | None = None
    backup_retention: int = 1
    vpc_security_groups: list[str] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    status: str = "available"


def _security_groups(ids: list[str]) -> list[dict[str, str]]:
    return [{"VpcSecurityGroupId": sg, "Status": "active"} for sg in ids]


def describe_instance(
    instance: Instance, cluster: Cluster | None, secret: dict[str, str] | None
) -> dict[str, Any]:
    """DescribeDBInstances' entry for ``instance`` (``secret``: its MasterUserSecret, if any)."""
    engine = instance.engine
    out: dict[str, Any] = {
        "DBInstanceIdentifier": instance.identifier,
        "DBInstanceClass": instance.instance_class,
        "Engine": engine.name,
        "DBInstanceStatus": instance.status,
        "MasterUsername": cluster.master_username if cluster is not None else instance.master_username,
        "Endpoint": {"Address": instance.address, "Port": instance.port},
        "AllocatedStorage": instance.allocated_storage,
        "InstanceCreateTime": instance.created,
        "PreferredBackupWindow": BACKUP_WINDOW,
        "BackupRetentionPeriod": cluster.backup_retention if cluster is not None else instance.backup_retention,
        "DBSecurityGroups": [],
        "VpcSecurityGroups": _security_groups(instance.vpc_security_groups),
        "AvailabilityZone": instance.availability_zone,
        "PreferredMaintenanceWindow": MAINTENANCE_WINDOW,
        "PendingModifiedValues": dict(instance.pending),
        "MultiAZ": instance.multi_az,
        "EngineVersion": instance.engine_version,
        "AutoMinorVersionUpgrade": True,
        "PubliclyAccessible": instance.publicly_accessible,
        "StorageType": "aurora" if engine.clustered else instance.storage_type,
        "DbInstancePort": 0,
        "StorageEncrypted": cluster.storage_encrypted if cluster is not None else instance.storage_encrypted,
        "DbiResourceId": instance.resource_id,
        "DeletionProtection": instance.deletion_protection,
        "DBInstanceArn": instance.arn,
        "TagList": [dict(t) for t in instance.tags],
    }
    dbname = cluster.database_name if cluster is not None else instance.dbname
    if dbname is not None:
        out["DBName"] = dbname
    if cluster is not None:
        out["DBClusterIdentifier"] = cluster.identifier
        out["PromotionTier"] = 1
    kms_key_id = cluster.kms_key_id if cluster is not None else instance.kms_key_id
    if kms_key_id is not None:
        out["KmsKeyId"] = kms_key_id
    if secret is not None:
        out["MasterUserSecret"] = secret
    return out


def describe_cluster(cluster: Cluster, secret: dict[str, str] | None) -> dict[str, Any]:
    """DescribeDBClusters' entry for ``cluster``."""
    out: dict[str, Any] = {
        "AllocatedStorage": 1,
        "AvailabilityZones": list(cluster.availability_zones),
        "BackupRetentionPeriod": cluster.backup_retention,
        "DBClusterIdentifier": cluster.identifier,
        "DBClusterParameterGroup": f"default.{cluster.engine.name}",
        "Status": cluster.status,
        "Endpoint": cluster.endpoint,
        "ReaderEndpoint": cluster.reader_endpoint,
        "MultiAZ": len(cluster.members) > 1,
        "Engine": cluster.engine.name,
        "EngineVersion": cluster.engine_version,
        "Port": cluster.port,
        "MasterUsername": cluster.master_username,
        "PreferredBackupWindow": BACKUP_WINDOW,
        "PreferredMaintenanceWindow": MAINTENANCE_WINDOW,
        "DBClusterMembers": [
            {
                "DBInstanceIdentifier": member,
                "IsClusterWriter": i == 0,
                "DBClusterParameterGroupStatus": "in-sync",
                "PromotionTier": 1,
            }
            for i, member in enumerate(cluster.members)
        ],
        "VpcSecurityGroups": _security_groups(cluster.vpc_security_groups),
        "StorageEncrypted": cluster.storage_encrypted,
        "DbClusterResourceId": cluster.resource_id,
        "DBClusterArn": cluster.arn,
        "ClusterCreateTime": cluster.created,
        "EngineMode": "provisioned",
        "DeletionProtection": cluster.deletion_protection,
        "TagList": [dict(t) for t in cluster.tags],
    }
    if cluster.database_name is not None:
        out["DatabaseName"] = cluster.database_name
    if cluster.kms_key_id is not None:
        out["KmsKeyId"] = cluster.kms_key_id
    if secret is not None:
        out["MasterUserSecret"] = secret
    return out
