"""DB instances: CreateDBInstance, DescribeDBInstances, ModifyDBInstance, DeleteDBInstance.

What each does here, as on RDS:

* **Create** starts a simulated database server at the instance's endpoint address with the
  master user and its password (yours, or one RDS makes and keeps in Secrets Manager with
  ``ManageMasterUserPassword``). An Aurora or DocumentDB instance joins its cluster
  (``DBClusterIdentifier``): it answers at its own address for the cluster's server, and the
  master user, password and database name belong to the cluster. RDS's own answer to
  CreateDBInstance says ``creating`` and has no endpoint yet; the same answer is given here,
  although the instance is already ``available`` (what DescribeDBInstances and boto3's
  waiters see straight away).
* **Describe** lists instances by identifier or ARN (or DbiResourceId), with ``Filters``
  (``db-instance-id``, ``db-cluster-id``, ``dbi-resource-id``, ``engine``, ``domain``) and
  ``MaxRecords``/``Marker`` paging.
* **Modify** changes the master password settings (see :mod:`.master`), deletion
  protection, and the instance class, storage and engine version: those three wait for
  the maintenance window (``PendingModifiedValues``) unless ``ApplyImmediately``.
* **Delete** needs ``SkipFinalSnapshot`` or a ``FinalDBSnapshotIdentifier`` (snapshots are
  not modelled: the name is checked and no snapshot is kept), refuses while
  ``DeletionProtection`` is on, deletes RDS's master secret, and the server stops answering.

The instances themselves cost nothing on the kit's meter: only Secrets Manager, Parameter
Store, KMS and Lambda are priced (an RDS-managed secret is priced as a secret).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ..core.checks import check_bool, check_int, check_str
from ..core.context import note, touch
from ..core.service import operation
from .checks import (
    check_class,
    check_dbname,
    check_engine,
    check_groups,
    check_identifier,
    check_opt_bool,
    check_opt_strs,
    check_port,
    check_storage,
    check_tags,
    check_username,
    combination,
    fail,
    invalid,
)
from .listing import check_filters, describe_page, matches, page
from .master import apply_master_change, check_master_change, check_master_create
from .records import Instance, describe_instance
from .store import Part

__all__ = ["INSTANCE_FILTERS", "Instances", "next_maintenance"]

INSTANCE_FILTERS = ("db-cluster-id", "db-instance-id", "dbi-resource-id", "domain", "engine")
_CLUSTER_ONLY = "The requested DB Instance will be a member of a DB Cluster. Set {what} for the DB Cluster."
_DEFERRABLE = ("DBInstanceClass", "AllocatedStorage", "EngineVersion")


def next_maintenance(now: datetime) -> datetime:
    """The start of the next maintenance window (the kit's: Sundays 05:00 UTC)."""
    days = (6 - now.weekday()) % 7
    start = (now + timedelta(days=days)).replace(hour=5, minute=0, second=0, microsecond=0)
    return start if start > now else start + timedelta(days=7)


class Instances(Part):
    """The DB instance operations, over the region's store."""

    # ------------------------------------------------------------------ describe helpers
    def entry(self, instance: Instance) -> dict[str, Any]:
        """DescribeDBInstances' entry for one instance."""
        cluster = self.store.clusters.get(instance.cluster) if instance.cluster else None
        secret = self.store.secrets.describe(instance.master_secret) if instance.master_secret else None
        return describe_instance(instance, cluster, secret)

    # ------------------------------------------------------------------ create
    @operation("CreateDBInstance")
    def create_db_instance(
        self,
        *,
        DBInstanceIdentifier: str,
        DBInstanceClass: str,
        Engine: str,
        DBName: str | None = None,
        AllocatedStorage: int | None = None,
        MasterUsername: str | None = None,
        MasterUserPassword: str | None = None,
        ManageMasterUserPassword: bool | None = None,
        MasterUserSecretKmsKeyId: str | None = None,
        DBClusterIdentifier: str | None = None,
        Port: int | None = None,
        EngineVersion: str | None = None,
        AvailabilityZone: str | None = None,
        MultiAZ: bool | None = None,
        PubliclyAccessible: bool | None = None,
        StorageType: str | None = None,
        StorageEncrypted: bool | None = None,
        KmsKeyId: str | None = None,
        DeletionProtection: bool | None = None,
        BackupRetentionPeriod: int | None = None,
        VpcSecurityGroupIds: list[str] | None = None,
        DBSubnetGroupName: str | None = None,
        Tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        store = self.store
        identifier = check_identifier(DBInstanceIdentifier, "DBInstanceIdentifier")
        instance_class = check_class(DBInstanceClass)
        engine = check_engine(Engine)
        if identifier in store.instances:
            raise fail("DBInstanceAlreadyExists", "DB instance already exists")
        tags = check_tags(Tags)
        groups = check_groups(VpcSecurityGroupIds)
        check_opt_strs(EngineVersion=EngineVersion, AvailabilityZone=AvailabilityZone, StorageType=StorageType,
                       KmsKeyId=KmsKeyId, DBSubnetGroupName=DBSubnetGroupName)
        flags = {name: check_opt_bool(value, name) for name, value in (
            ("MultiAZ", MultiAZ), ("PubliclyAccessible", PubliclyAccessible),
            ("StorageEncrypted", StorageEncrypted), ("DeletionProtection", DeletionProtection))}
        retention = check_int(BackupRetentionPeriod, "BackupRetentionPeriod", 0, 35) if BackupRetentionPeriod is not None else 1
        if AvailabilityZone is not None and not AvailabilityZone.startswith(self.region):
            raise invalid(f"Invalid availability zone: {AvailabilityZone}")
        cluster = None
        if engine.clustered:
            if DBClusterIdentifier is None:
                raise invalid(f"DBClusterIdentifier is required for a DB instance of engine {engine.name}.")
            cluster = store.find_cluster(check_str(DBClusterIdentifier, "DBClusterIdentifier"))
            if cluster.engine is not engine:
                raise combination(
                    f"The engine name requested for your DB instance ({engine.name}) doesn't match the engine "
                    f"name of your DB cluster ({cluster.engine.name})."
                )
            for what, value in (("master user password", MasterUserPassword), ("master username", MasterUsername),
                                ("master user password", ManageMasterUserPassword), ("the database name", DBName),
                                ("the port", Port)):
                if value is not None:
                    raise combination(_CLUSTER_ONLY.format(what=what))
            username, password, managed, secret_key = cluster.master_username, None, False, None
            dbname, port, storage = cluster.database_name, cluster.port, 1
        else:
            if DBClusterIdentifier is not None:
                raise combination(
                    f"DBClusterIdentifier can be given only for an engine whose instances run in a DB cluster, not {engine.name}."
                )
            username = check_username(MasterUsername, engine)
            password, managed, secret_key = check_master_create(
                engine, MasterUserPassword, ManageMasterUserPassword, MasterUserSecretKmsKeyId)
            dbname = check_dbname(DBName, engine) if DBName is not None else None
            port = check_port(Port) if Port is not None else engine.port
            storage = check_storage(AllocatedStorage, engine)
        # ---- every check has passed: make it
        now = self.env.clock.now
        arn = f"{store.arn_prefix}db:{identifier}"
        address = store.address(identifier, engine.domain)
        if cluster is not None:
            database = cluster.database
            store.databases.alias(address, database)
        else:
            password = password or store.secrets.new_password()
            database = store.databases.create(engine.simulated, address, username, password, dbname)
        instance = Instance(
            identifier, arn, store.resource_id("db"), engine, EngineVersion or engine.default_version, instance_class,
            now, address, port, AvailabilityZone or store.availability_zone(), database,
            master_username=None if cluster is not None else username, dbname=None if cluster is not None else dbname,
            allocated_storage=storage, cluster=cluster.identifier if cluster is not None else None,
            deletion_protection=bool(flags["DeletionProtection"]) and cluster is None,
            storage_encrypted=bool(flags["StorageEncrypted"]), kms_key_id=KmsKeyId,
            publicly_accessible=bool(flags["PubliclyAccessible"]), multi_az=bool(flags["MultiAZ"]),
            storage_type=StorageType or "gp2", backup_retention=retention, vpc_security_groups=groups, tags=tags,
        )
        if managed:
            assert password is not None
            try:
                instance.master_secret = store.secrets.create("db", arn, username, password, database, secret_key)
            except Exception:
                store.databases.drop(address)  # the secret could not be made: keep nothing
                raise
        store.instances[identifier] = instance
        if cluster is not None:
            cluster.members.append(identifier)
        touch(arn, engine=engine.name, managed_master_password=managed)
        out = self.entry(instance)
        out["DBInstanceStatus"] = "creating"  # RDS's answer to the create call itself
        del out["Endpoint"]
        if "MasterUserSecret" in out:
            out["MasterUserSecret"]["SecretStatus"] = "creating"
        return {"DBInstance": out}

    # ------------------------------------------------------------------ describe
    @operation("DescribeDBInstances")
    def describe_db_instances(
        self,
        *,
        DBInstanceIdentifier: str | None = None,
        Filters: list[dict[str, Any]] | None = None,
        MaxRecords: int | None = None,
        Marker: str | None = None,
    ) -> dict[str, Any]:
        store = self.store
        filters = check_filters(Filters, INSTANCE_FILTERS)
        if DBInstanceIdentifier is not None:
            rows = [store.find_instance(check_str(DBInstanceIdentifier, "DBInstanceIdentifier"))]
        else:
            rows = list(store.instances.values())
        fields = {
            "db-instance-id": lambda i: (i.identifier, i.arn),
            "db-cluster-id": lambda i: (i.cluster, f"{store.arn_prefix}cluster:{i.cluster}") if i.cluster else (),
            "dbi-resource-id": lambda i: (i.resource_id,),
            "engine": lambda i: (i.engine.name,),
            "domain": lambda i: (),
        }
        rows = [i for i in rows if matches(i, filters, fields)]
        chosen, marker = page(rows, lambda i: i.identifier, MaxRecords, Marker)
        return describe_page([self.entry(i) for i in chosen], "DBInstances", marker)

    # ------------------------------------------------------------------ modify
    @operation("ModifyDBInstance")
    def modify_db_instance(
        self,
        *,
        DBInstanceIdentifier: str,
        ApplyImmediately: bool | None = None,
        MasterUserPassword: str | None = None,
        ManageMasterUserPassword: bool | None = None,
        MasterUserSecretKmsKeyId: str | None = None,
        RotateMasterUserPassword: bool | None = None,
        DBInstanceClass: str | None = None,
        AllocatedStorage: int | None = None,
        EngineVersion: str | None = None,
        DeletionProtection: bool | None = None,
        PubliclyAccessible: bool | None = None,
        BackupRetentionPeriod: int | None = None,
        VpcSecurityGroupIds: list[str] | None = None,
    ) -> dict[str, Any]:
        store = self.store
        instance = store.find_instance(check_str(DBInstanceIdentifier, "DBInstanceIdentifier"))
        touch(instance.arn)
        apply_now = bool(check_opt_bool(ApplyImmediately, "ApplyImmediately"))
        password_settings = (MasterUserPassword, ManageMasterUserPassword, MasterUserSecretKmsKeyId, RotateMasterUserPassword)
        if instance.cluster is not None and any(v is not None for v in password_settings):
            raise combination(
                "The requested DB instance is a member of a DB cluster. Set the master user password for the DB cluster."
            )
        change = check_master_change("DB instance", instance.engine, instance.master_secret is not None, apply_now,
                                     MasterUserPassword, ManageMasterUserPassword, MasterUserSecretKmsKeyId,
                                     RotateMasterUserPassword)
        deferrable: dict[str, Any] = {}
        if DBInstanceClass is not None:
            deferrable["DBInstanceClass"] = check_class(DBInstanceClass)
        if AllocatedStorage is not None:
            if instance.engine.clustered:
                raise combination("AllocatedStorage can't be modified for a DB instance in a DB cluster.")
            size = check_storage(AllocatedStorage, instance.engine)
            if size < instance.allocated_storage:
                raise invalid("Invalid storage size: you can't reduce the storage allocated to a DB instance.")
            deferrable["AllocatedStorage"] = size
        if EngineVersion is not None:
            deferrable["EngineVersion"] = check_str(EngineVersion, "EngineVersion")
        protection = check_opt_bool(DeletionProtection, "DeletionProtection")
        public = check_opt_bool(PubliclyAccessible, "PubliclyAccessible")
        retention = check_int(BackupRetentionPeriod, "BackupRetentionPeriod", 0, 35) if BackupRetentionPeriod is not None else None
        groups = check_groups(VpcSecurityGroupIds) if VpcSecurityGroupIds is not None else None
        # ---- every check has passed: change it (the master secret first: it is what can fail)
        if not change.empty:
            assert instance.master_username is not None
            instance.master_secret = apply_master_change(
                change, store.secrets, "db", instance.arn, instance.master_username, instance.database,
                instance.master_secret)
        if protection is not None and instance.cluster is None:
            instance.deletion_protection = protection
        if public is not None:
            instance.publicly_accessible = public
        if retention is not None:
            instance.backup_retention = retention
        if groups is not None:
            instance.vpc_security_groups = groups
        instance.pending.update(deferrable)
        if apply_now:
            self._apply_pending(instance)
        elif instance.pending and instance.maintenance_timer is None:
            instance.maintenance_timer = self.env.clock.schedule(
                next_maintenance(self.env.clock.now), partial(self._apply_pending, instance),
                label=f"maintenance {instance.identifier}")
        note(ApplyImmediately=apply_now, pending=sorted(instance.pending))
        out = self.entry(instance)
        if change.password is not None:
            out["PendingModifiedValues"]["MasterUserPassword"] = "****"  # RDS never shows it
        return {"DBInstance": out}

    def _apply_pending(self, instance: Instance) -> None:
        """The maintenance window (or ApplyImmediately): pending changes take effect."""
        if instance.maintenance_timer is not None:
            instance.maintenance_timer.cancel()
            instance.maintenance_timer = None
        if self.store.instances.get(instance.identifier) is not instance:
            return
        pending, instance.pending = instance.pending, {}
        if "DBInstanceClass" in pending:
            instance.instance_class = pending["DBInstanceClass"]
        if "AllocatedStorage" in pending:
            instance.allocated_storage = pending["AllocatedStorage"]
        if "EngineVersion" in pending:
            instance.engine_version = pending["EngineVersion"]

    # ------------------------------------------------------------------ delete
    @operation("DeleteDBInstance")
    def delete_db_instance(
        self,
        *,
        DBInstanceIdentifier: str,
        SkipFinalSnapshot: bool = False,
        FinalDBSnapshotIdentifier: str | None = None,
        DeleteAutomatedBackups: bool | None = None,
    ) -> dict[str, Any]:
        store = self.store
        instance = store.find_instance(check_str(DBInstanceIdentifier, "DBInstanceIdentifier"))
        touch(instance.arn)
        skip = check_bool(SkipFinalSnapshot, "SkipFinalSnapshot")
        check_opt_bool(DeleteAutomatedBackups, "DeleteAutomatedBackups")
        if FinalDBSnapshotIdentifier is not None:
            check_identifier(FinalDBSnapshotIdentifier, "FinalDBSnapshotIdentifier")
        if instance.cluster is not None:
            if FinalDBSnapshotIdentifier is not None:
                raise combination("FinalDBSnapshotIdentifier can't be specified for a DB instance in a DB cluster.")
        else:
            if instance.deletion_protection:
                raise combination("Cannot delete protected DB Instance, please disable deletion protection and try again.")
            if not skip and FinalDBSnapshotIdentifier is None:
                raise combination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
            if skip and FinalDBSnapshotIdentifier is not None:
                raise combination("SkipFinalSnapshot and FinalDBSnapshotIdentifier can't be specified together.")
        out = self.entry(instance)
        out["DBInstanceStatus"] = "deleting"
        if instance.master_secret is not None:
            store.secrets.delete(instance.master_secret)
        if instance.maintenance_timer is not None:
            instance.maintenance_timer.cancel()
        store.databases.drop(instance.address)
        if instance.cluster is not None:
            store.clusters[instance.cluster].members.remove(instance.identifier)
        else:
            instance.database.down = True  # the server is gone: open sessions break too
        del store.instances[instance.identifier]
        note(final_snapshot=FinalDBSnapshotIdentifier)
        return {"DBInstance": out}
