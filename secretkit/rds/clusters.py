"""DB clusters: CreateDBCluster, DescribeDBClusters, ModifyDBCluster, DeleteDBCluster.

A cluster (Aurora MySQL, Aurora PostgreSQL, DocumentDB) holds the master user, the database
and the storage; its instances (CreateDBInstance with ``DBClusterIdentifier``) are the
compute. Here a cluster is one simulated database server answering at the cluster's writer
endpoint, its reader endpoint and every member instance's address. The first instance
added is the writer.

* **Create** takes the master user and either ``MasterUserPassword`` or
  ``ManageMasterUserPassword`` (then RDS keeps the password in an ``rds!cluster-<uuid>``
  secret); ``EngineMode`` ``provisioned`` only. Multi-AZ DB clusters of RDS for MySQL or
  PostgreSQL are not modelled, and are refused with a message that says so.
* **Describe** by identifier or ARN, with ``Filters`` (``db-cluster-id``,
  ``db-cluster-resource-id``, ``engine``, ``clone-group-id``, ``domain``) and paging.
* **Modify**: the master password settings (see :mod:`.master`) and deletion protection.
* **Delete** refuses while the cluster still has instances or deletion protection, needs
  ``SkipFinalSnapshot`` or a ``FinalDBSnapshotIdentifier`` (no snapshot is kept), and
  deletes RDS's master secret.
"""

from __future__ import annotations

from typing import Any

from ..core.checks import check_bool, check_int, check_list, check_str
from ..core.context import note, touch
from ..core.service import operation
from .checks import (
    check_dbname,
    check_engine,
    check_groups,
    check_identifier,
    check_opt_bool,
    check_opt_strs,
    check_port,
    check_tags,
    check_username,
    combination,
    fail,
    invalid,
)
from .listing import check_filters, describe_page, matches, page
from .master import apply_master_change, check_master_change, check_master_create
from .records import Cluster, describe_cluster
from .store import Part

__all__ = ["CLUSTER_FILTERS", "Clusters"]

CLUSTER_FILTERS = ("clone-group-id", "db-cluster-id", "db-cluster-resource-id", "domain", "engine")


class Clusters(Part):
    """The DB cluster operations, over the region's store."""

    def entry(self, cluster: Cluster) -> dict[str, Any]:
        """DescribeDBClusters' entry for one cluster."""
        secret = self.store.secrets.describe(cluster.master_secret) if cluster.master_secret else None
        return describe_cluster(cluster, secret)

    @operation("CreateDBCluster")
    def create_db_cluster(
        self,
        *,
        DBClusterIdentifier: str,
        Engine: str,
        EngineVersion: str | None = None,
        MasterUsername: str | None = None,
        MasterUserPassword: str | None = None,
        ManageMasterUserPassword: bool | None = None,
        MasterUserSecretKmsKeyId: str | None = None,
        DatabaseName: str | None = None,
        Port: int | None = None,
        EngineMode: str | None = None,
        AvailabilityZones: list[str] | None = None,
        BackupRetentionPeriod: int | None = None,
        StorageEncrypted: bool | None = None,
        KmsKeyId: str | None = None,
        DeletionProtection: bool | None = None,
        VpcSecurityGroupIds: list[str] | None = None,
        DBSubnetGroupName: str | None = None,
        DBClusterParameterGroupName: str | None = None,
        Tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        store = self.store
        identifier = check_identifier(DBClusterIdentifier, "DBClusterIdentifier")
        engine = check_engine(Engine)
        if not engine.clustered:
            raise invalid(
                f"Multi-AZ DB clusters of engine {engine.name} are not modelled by secretkit; a DB cluster here "
                "runs aurora-mysql, aurora-postgresql or docdb."
            )
        if identifier in store.clusters:
            raise fail("DBClusterAlreadyExistsFault", "DB Cluster already exists")
        if EngineMode is not None and check_str(EngineMode, "EngineMode") != "provisioned":
            if ManageMasterUserPassword:
                raise invalid(f"The parameter ManageMasterUserPassword is not valid for engine mode: {EngineMode}.")
            raise invalid(f"EngineMode {EngineMode} is not modelled by secretkit; use provisioned.")
        username = check_username(MasterUsername, engine)
        password, managed, secret_key = check_master_create(
            engine, MasterUserPassword, ManageMasterUserPassword, MasterUserSecretKmsKeyId)
        database_name = check_dbname(DatabaseName, engine, "DatabaseName") if DatabaseName is not None else None
        port = check_port(Port) if Port is not None else engine.port
        zones = [check_str(z, "AvailabilityZones") for z in check_list(AvailabilityZones, "AvailabilityZones")] \
            if AvailabilityZones is not None else [f"{self.region}{c}" for c in "abc"]
        for zone in zones:
            if not zone.startswith(self.region):
                raise invalid(f"Invalid availability zone: {zone}")
        retention = check_int(BackupRetentionPeriod, "BackupRetentionPeriod", 1, 35) if BackupRetentionPeriod is not None else 1
        encrypted = bool(check_opt_bool(StorageEncrypted, "StorageEncrypted"))
        protection = bool(check_opt_bool(DeletionProtection, "DeletionProtection"))
        check_opt_strs(EngineVersion=EngineVersion, KmsKeyId=KmsKeyId, DBSubnetGroupName=DBSubnetGroupName,
                       DBClusterParameterGroupName=DBClusterParameterGroupName)
        groups = check_groups(VpcSecurityGroupIds)
        tags = check_tags(Tags)
        # ---- every check has passed: make it
        arn = f"{store.arn_prefix}cluster:{identifier}"
        endpoint = store.address(identifier, engine.domain, "cluster-")
        reader = store.address(identifier, engine.domain, "cluster-ro-")
        password = password or store.secrets.new_password()
        database = store.databases.create(engine.simulated, endpoint, username, password, database_name)
        store.databases.alias(reader, database)
        cluster = Cluster(
            identifier, arn, store.resource_id("cluster"), engine, EngineVersion or engine.default_version,
            self.env.clock.now, endpoint, reader, port, username, database, database_name, zones,
            deletion_protection=protection, storage_encrypted=encrypted, kms_key_id=KmsKeyId,
            backup_retention=retention, vpc_security_groups=groups, tags=tags,
        )
        if managed:
            try:
                cluster.master_secret = store.secrets.create("cluster", arn, username, password, database, secret_key)
            except Exception:
                store.databases.drop(endpoint)
                store.databases.drop(reader)
                raise
        store.clusters[identifier] = cluster
        touch(arn, engine=engine.name, managed_master_password=managed)
        out = self.entry(cluster)
        out["Status"] = "creating"  # RDS's answer to the create call itself
        if "MasterUserSecret" in out:
            out["MasterUserSecret"]["SecretStatus"] = "creating"
        return {"DBCluster": out}

    @operation("DescribeDBClusters")
    def describe_db_clusters(
        self,
        *,
        DBClusterIdentifier: str | None = None,
        Filters: list[dict[str, Any]] | None = None,
        MaxRecords: int | None = None,
        Marker: str | None = None,
        IncludeShared: bool | None = None,
    ) -> dict[str, Any]:
        store = self.store
        filters = check_filters(Filters, CLUSTER_FILTERS)
        check_opt_bool(IncludeShared, "IncludeShared")
        if DBClusterIdentifier is not None:
            rows = [store.find_cluster(check_str(DBClusterIdentifier, "DBClusterIdentifier"))]
        else:
            rows = list(store.clusters.values())
        fields = {
            "db-cluster-id": lambda c: (c.identifier, c.arn),
            "db-cluster-resource-id": lambda c: (c.resource_id,),
            "engine": lambda c: (c.engine.name,),
            "clone-group-id": lambda c: (),
            "domain": lambda c: (),
        }
        rows = [c for c in rows if matches(c, filters, fields)]
        chosen, marker = page(rows, lambda c: c.identifier, MaxRecords, Marker)
        return describe_page([self.entry(c) for c in chosen], "DBClusters", marker)

    @operation("ModifyDBCluster")
    def modify_db_cluster(
        self,
        *,
        DBClusterIdentifier: str,
        ApplyImmediately: bool | None = None,
        MasterUserPassword: str | None = None,
        ManageMasterUserPassword: bool | None = None,
        MasterUserSecretKmsKeyId: str | None = None,
        RotateMasterUserPassword: bool | None = None,
        DeletionProtection: bool | None = None,
        BackupRetentionPeriod: int | None = None,
    ) -> dict[str, Any]:
        store = self.store
        cluster = store.find_cluster(check_str(DBClusterIdentifier, "DBClusterIdentifier"))
        touch(cluster.arn)
        apply_now = bool(check_opt_bool(ApplyImmediately, "ApplyImmediately"))
        change = check_master_change("DB cluster", cluster.engine, cluster.master_secret is not None, apply_now,
                                     MasterUserPassword, ManageMasterUserPassword, MasterUserSecretKmsKeyId,
                                     RotateMasterUserPassword)
        protection = check_opt_bool(DeletionProtection, "DeletionProtection")
        retention = check_int(BackupRetentionPeriod, "BackupRetentionPeriod", 1, 35) if BackupRetentionPeriod is not None else None
        if not change.empty:
            cluster.master_secret = apply_master_change(
                change, store.secrets, "cluster", cluster.arn, cluster.master_username, cluster.database,
                cluster.master_secret)
        if protection is not None:
            cluster.deletion_protection = protection
        if retention is not None:
            cluster.backup_retention = retention
        note(ApplyImmediately=apply_now)
        out = self.entry(cluster)
        if change.password is not None:
            out["PendingModifiedValues"] = {"MasterUserPassword": "****"}  # RDS never shows it
        return {"DBCluster": out}

    @operation("DeleteDBCluster")
    def delete_db_cluster(
        self,
        *,
        DBClusterIdentifier: str,
        SkipFinalSnapshot: bool = False,
        FinalDBSnapshotIdentifier: str | None = None,
        DeleteAutomatedBackups: bool | None = None,
    ) -> dict[str, Any]:
        store = self.store
        cluster = store.find_cluster(check_str(DBClusterIdentifier, "DBClusterIdentifier"))
        touch(cluster.arn)
        skip = check_bool(SkipFinalSnapshot, "SkipFinalSnapshot")
        check_opt_bool(DeleteAutomatedBackups, "DeleteAutomatedBackups")
        if FinalDBSnapshotIdentifier is not None:
            check_identifier(FinalDBSnapshotIdentifier, "FinalDBSnapshotIdentifier")
        if cluster.deletion_protection:
            raise combination("Cannot delete protected Cluster, please disable deletion protection and try again.")
        if cluster.members:
            raise fail("InvalidDBClusterStateFault",
                       "Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
        if not skip and FinalDBSnapshotIdentifier is None:
            raise combination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
        if skip and FinalDBSnapshotIdentifier is not None:
            raise combination("SkipFinalSnapshot and FinalDBSnapshotIdentifier can't be specified together.")
        out = self.entry(cluster)
        out["Status"] = "deleting"
        if cluster.master_secret is not None:
            store.secrets.delete(cluster.master_secret)
        store.databases.drop(cluster.endpoint)
        store.databases.drop(cluster.reader_endpoint)
        cluster.database.down = True
        del store.clusters[cluster.identifier]
        note(final_snapshot=FinalDBSnapshotIdentifier)
        return {"DBCluster": out}
