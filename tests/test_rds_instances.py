"""RDS DB instances and clusters through the model, from RDS's documented behaviour: what
create, describe, modify and delete do, the simulated database behind each, and bad input
(each refused with RDS's code, changing nothing)."""

from __future__ import annotations

import re

import pytest
from _rds_support import fingerprint, make_cluster, make_instance, rds  # noqa: F401 - rds is a fixture

from secretkit.core.errors import ClientError
from secretkit.databases import AuthenticationFailed, Unreachable, databases

ADDRESS = re.compile(r"app-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com")


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


# ---------------------------------------------------------------- create and describe
def test_an_instance_has_rds_shaped_endpoint_ids_and_arn(rds):
    d = make_instance(rds, "App-DB")  # stored lower-cased
    assert d["DBInstanceIdentifier"] == "app-db"
    assert ADDRESS.fullmatch(d["Endpoint"]["Address"])
    assert d["Endpoint"]["Port"] == 5432
    assert d["DBInstanceArn"] == "arn:aws:rds:us-east-1:123456789012:db:app-db"
    assert re.fullmatch(r"db-[A-Z0-9]{26}", d["DbiResourceId"])
    assert d["DBInstanceStatus"] == "available" and d["Engine"] == "postgres"
    assert d["MasterUsername"] == "master" and "MasterUserSecret" not in d


def test_every_instance_of_a_region_shares_the_address_id(rds):
    a = make_instance(rds, "one")["Endpoint"]["Address"]
    b = make_instance(rds, "two", engine="mysql")
    assert a.split(".")[1] == b["Endpoint"]["Address"].split(".")[1]
    assert b["Endpoint"]["Port"] == 3306


def test_the_create_answer_says_creating_without_an_endpoint_as_rds_does(rds):
    out = rds.create_db_instance(DBInstanceIdentifier="x", DBInstanceClass="db.t3.micro", Engine="mariadb",
                                 MasterUsername="admin", MasterUserPassword="Password-1", AllocatedStorage=20)
    assert out["DBInstance"]["DBInstanceStatus"] == "creating" and "Endpoint" not in out["DBInstance"]
    assert rds.describe_db_instances(DBInstanceIdentifier="x")["DBInstances"][0]["DBInstanceStatus"] == "available"


def test_the_database_behind_an_instance_checks_the_master_password(cloud, rds):
    d = make_instance(rds)
    db = databases(cloud).get(d["Endpoint"]["Address"])
    assert db.connect("master", "Initial-pw-1234").username == "master"
    with pytest.raises(AuthenticationFailed):
        db.connect("master", "wrong-password")


def test_describe_finds_by_identifier_any_case_arn_or_resource_id(rds):
    d = make_instance(rds)
    for key in ("APP-DB", d["DBInstanceArn"], d["DbiResourceId"]):
        assert rds.describe_db_instances(DBInstanceIdentifier=key)["DBInstances"][0]["DBInstanceIdentifier"] == "app-db"
    with pytest.raises(ClientError) as exc:
        rds.describe_db_instances(DBInstanceIdentifier="nope")
    assert _code(exc) == "DBInstanceNotFound" and exc.value.message == "DBInstance nope not found."
    assert exc.value.status == 404


def test_filters_and_paging(rds):
    for i in range(25):
        make_instance(rds, f"db{i:02d}", engine="mysql" if i % 2 else "postgres")
    page1 = rds.describe_db_instances(MaxRecords=20)
    assert len(page1["DBInstances"]) == 20 and "Marker" in page1
    page2 = rds.describe_db_instances(MaxRecords=20, Marker=page1["Marker"])
    assert len(page2["DBInstances"]) == 5 and "Marker" not in page2
    names = [d["DBInstanceIdentifier"] for d in page1["DBInstances"] + page2["DBInstances"]]
    assert names == sorted(names) and len(set(names)) == 25
    mysql = rds.describe_db_instances(Filters=[{"Name": "engine", "Values": ["mysql"]}])["DBInstances"]
    assert len(mysql) == 12 and {d["Engine"] for d in mysql} == {"mysql"}
    by_id = rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": ["db03", "db04"]},
                                               {"Name": "engine", "Values": ["mysql"]}])["DBInstances"]
    assert [d["DBInstanceIdentifier"] for d in by_id] == ["db03"]
    assert rds.describe_db_instances(Filters=[{"Name": "engine", "Values": ["aurora-mysql"]}])["DBInstances"] == []


@pytest.mark.parametrize("bad", [19, 101])
def test_max_records_out_of_range_is_refused(rds, bad):
    with pytest.raises(ClientError) as exc:
        rds.describe_db_instances(MaxRecords=bad)
    assert _code(exc) == "InvalidParameterValue"


def test_unknown_filter_and_bad_marker_are_refused(rds):
    with pytest.raises(ClientError) as exc:
        rds.describe_db_instances(Filters=[{"Name": "color", "Values": ["red"]}])
    assert _code(exc) == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        rds.describe_db_instances(Marker="not-a-marker")
    assert _code(exc) == "InvalidParameterValue"


# ---------------------------------------------------------------- bad input changes nothing
BAD_CREATES = [
    ({"DBInstanceIdentifier": "1abc"}, "InvalidParameterValue"),
    ({"DBInstanceIdentifier": "ab--c"}, "InvalidParameterValue"),
    ({"DBInstanceIdentifier": "abc-"}, "InvalidParameterValue"),
    ({"DBInstanceIdentifier": "a" * 64}, "InvalidParameterValue"),
    ({"Engine": "oracle-ee"}, "InvalidParameterValue"),
    ({"DBInstanceClass": "t3.micro"}, "InvalidParameterValue"),
    ({"MasterUserPassword": "short"}, "InvalidParameterValue"),
    ({"MasterUserPassword": "has/slash-123"}, "InvalidParameterValue"),
    ({"MasterUserPassword": "has space 123"}, "InvalidParameterValue"),
    ({"MasterUserPassword": "x" * 42, "Engine": "mysql"}, "InvalidParameterValue"),
    ({"MasterUserPassword": None}, "InvalidParameterValue"),
    ({"MasterUsername": None}, "InvalidParameterValue"),
    ({"MasterUsername": "1admin"}, "InvalidParameterValue"),
    ({"MasterUsername": "rdsadmin"}, "InvalidParameterValue"),
    ({"AllocatedStorage": 5}, "InvalidParameterValue"),
    ({"AllocatedStorage": None}, "InvalidParameterValue"),
    ({"Port": 80}, "InvalidParameterValue"),
    ({"DBName": "9db"}, "InvalidParameterValue"),
    ({"ManageMasterUserPassword": True}, "InvalidParameterCombination"),  # with a password too
    ({"MasterUserSecretKmsKeyId": "alias/x"}, "InvalidParameterCombination"),  # without management
    ({"DBClusterIdentifier": "c1"}, "InvalidParameterCombination"),  # postgres runs no cluster here
    ({"Engine": "aurora-postgresql"}, "InvalidParameterValue"),  # an Aurora instance needs its cluster
    ({"Tags": [{"Key": "aws:owner", "Value": "x"}]}, "InvalidParameterValue"),
]


@pytest.mark.parametrize(("change", "code"), BAD_CREATES)
def test_a_bad_create_is_refused_and_changes_nothing(cloud, rds, change, code):
    make_instance(rds, "existing")
    before = fingerprint(cloud, rds)
    args = {"DBInstanceIdentifier": "new-db", "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
            "MasterUsername": "master", "MasterUserPassword": "Initial-pw-1234", "AllocatedStorage": 20}
    args.update(change)
    args = {k: v for k, v in args.items() if v is not None}
    with pytest.raises(ClientError) as exc:
        rds.create_db_instance(**args)
    assert _code(exc) == code
    assert fingerprint(cloud, rds) == before


def test_a_taken_identifier_is_refused(cloud, rds):
    make_instance(rds)
    before = fingerprint(cloud, rds)
    with pytest.raises(ClientError) as exc:
        make_instance(rds, "APP-DB")
    assert _code(exc) == "DBInstanceAlreadyExists" and exc.value.message == "DB instance already exists"
    assert fingerprint(cloud, rds) == before


# ---------------------------------------------------------------- modify
def test_a_new_master_password_works_at_once_and_shows_as_stars(cloud, rds):
    d = make_instance(rds)
    out = rds.modify_db_instance(DBInstanceIdentifier="app-db", MasterUserPassword="Second-pw-5678")
    assert out["DBInstance"]["PendingModifiedValues"] == {"MasterUserPassword": "****"}
    db = databases(cloud).get(d["Endpoint"]["Address"])
    assert db.accepts("master", "Second-pw-5678") and not db.accepts("master", "Initial-pw-1234")
    assert rds.describe_db_instances()["DBInstances"][0]["PendingModifiedValues"] == {}


def test_class_and_storage_wait_for_the_maintenance_window_unless_applied_immediately(cloud, rds):
    make_instance(rds)
    out = rds.modify_db_instance(DBInstanceIdentifier="app-db", DBInstanceClass="db.r6g.large", AllocatedStorage=50)
    d = out["DBInstance"]
    assert d["DBInstanceClass"] == "db.t3.micro"
    assert d["PendingModifiedValues"] == {"DBInstanceClass": "db.r6g.large", "AllocatedStorage": 50}
    cloud.clock.advance(days=7)  # past the next Sunday 05:00 UTC window
    d = rds.describe_db_instances()["DBInstances"][0]
    assert (d["DBInstanceClass"], d["AllocatedStorage"], d["PendingModifiedValues"]) == ("db.r6g.large", 50, {})
    d = rds.modify_db_instance(DBInstanceIdentifier="app-db", DBInstanceClass="db.m5.large", ApplyImmediately=True)
    assert d["DBInstance"]["DBInstanceClass"] == "db.m5.large"


BAD_MODIFIES = [
    ({"MasterUserPassword": "tiny"}, "InvalidParameterValue"),
    ({"ManageMasterUserPassword": True, "MasterUserPassword": "Another-pw-1"}, "InvalidParameterCombination"),
    ({"MasterUserSecretKmsKeyId": "alias/aws/secretsmanager"}, "InvalidParameterCombination"),
    ({"RotateMasterUserPassword": True, "ApplyImmediately": True}, "InvalidParameterCombination"),
    ({"AllocatedStorage": 10}, "InvalidParameterValue"),
    ({"DBInstanceClass": "large"}, "InvalidParameterValue"),
    ({"DBInstanceIdentifier": "missing", "MasterUserPassword": "Another-pw-1"}, "DBInstanceNotFound"),
]


@pytest.mark.parametrize(("change", "code"), BAD_MODIFIES)
def test_a_bad_modify_is_refused_and_changes_nothing(cloud, rds, change, code):
    make_instance(rds)
    before = fingerprint(cloud, rds)
    with pytest.raises(ClientError) as exc:
        rds.modify_db_instance(**{"DBInstanceIdentifier": "app-db", **change})
    assert _code(exc) == code
    assert fingerprint(cloud, rds) == before


# ---------------------------------------------------------------- delete
def test_delete_needs_a_snapshot_decision_and_respects_deletion_protection(cloud, rds):
    make_instance(rds, DeletionProtection=True)
    before = fingerprint(cloud, rds)
    for args, code, message in (
        ({"SkipFinalSnapshot": True}, "InvalidParameterCombination",
         "Cannot delete protected DB Instance, please disable deletion protection and try again."),
        ({}, "InvalidParameterCombination", None),
        ({"DBInstanceIdentifier": "ghost", "SkipFinalSnapshot": True}, "DBInstanceNotFound", "DBInstance ghost not found."),
    ):
        with pytest.raises(ClientError) as exc:
            rds.delete_db_instance(**{"DBInstanceIdentifier": "app-db", **args})
        assert _code(exc) == code
        if message:
            assert exc.value.message == message
    assert fingerprint(cloud, rds) == before
    rds.modify_db_instance(DBInstanceIdentifier="app-db", DeletionProtection=False)
    with pytest.raises(ClientError) as exc:
        rds.delete_db_instance(DBInstanceIdentifier="app-db")
    assert exc.value.message == "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."
    with pytest.raises(ClientError) as exc:
        rds.delete_db_instance(DBInstanceIdentifier="app-db", SkipFinalSnapshot=True, FinalDBSnapshotIdentifier="final")
    assert _code(exc) == "InvalidParameterCombination"


def test_a_deleted_instance_is_gone_and_its_server_stops_answering(cloud, rds):
    d = make_instance(rds)
    db = databases(cloud).get(d["Endpoint"]["Address"])
    session = db.connect("master", "Initial-pw-1234")
    out = rds.delete_db_instance(DBInstanceIdentifier="app-db", FinalDBSnapshotIdentifier="app-db-final")
    assert out["DBInstance"]["DBInstanceStatus"] == "deleting"
    with pytest.raises(ClientError) as exc:
        rds.describe_db_instances(DBInstanceIdentifier="app-db")
    assert _code(exc) == "DBInstanceNotFound"
    with pytest.raises(Unreachable):
        databases(cloud).get(d["Endpoint"]["Address"])
    with pytest.raises(Unreachable):
        session.select_now()
    make_instance(rds)  # the identifier is free again


# ---------------------------------------------------------------- clusters
def test_a_cluster_and_its_instances_share_one_server(cloud, rds):
    c = make_cluster(rds, "Shop")
    assert c["DBClusterIdentifier"] == "shop" and c["Port"] == 5432
    assert re.fullmatch(r"shop\.cluster-[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com", c["Endpoint"])
    assert c["ReaderEndpoint"].startswith("shop.cluster-ro-")
    assert c["DBClusterArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:shop"
    w = make_instance(rds, "shop-1", engine="aurora-postgresql", DBClusterIdentifier="shop",
                      MasterUsername=None, MasterUserPassword=None, AllocatedStorage=None)
    make_instance(rds, "shop-2", engine="aurora-postgresql", DBClusterIdentifier="shop",
                  MasterUsername=None, MasterUserPassword=None, AllocatedStorage=None)
    assert w["DBClusterIdentifier"] == "shop" and w["MasterUsername"] == "master"
    members = rds.describe_db_clusters(DBClusterIdentifier="shop")["DBClusters"][0]["DBClusterMembers"]
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in members] == [("shop-1", True), ("shop-2", False)]
    directory = databases(cloud)
    server = directory.get(c["Endpoint"])
    assert directory.get(c["ReaderEndpoint"]) is server and directory.get(w["Endpoint"]["Address"]) is server
    assert server.accepts("master", "Initial-pw-1234")
    rds.modify_db_cluster(DBClusterIdentifier="shop", MasterUserPassword="Cluster-pw-999")
    assert server.accepts("master", "Cluster-pw-999")
    got = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [c["DBClusterArn"]]}])["DBInstances"]
    assert [d["DBInstanceIdentifier"] for d in got] == ["shop-1", "shop-2"]


def test_cluster_member_rules_and_delete_order(cloud, rds):
    make_cluster(rds, "shop", engine="aurora-mysql")
    for extra, code in (({"MasterUserPassword": "Member-pw-1"}, "InvalidParameterCombination"),
                        ({"Engine": "aurora-postgresql"}, "InvalidParameterCombination"),
                        ({"DBClusterIdentifier": "nope"}, "DBClusterNotFoundFault")):
        before = fingerprint(cloud, rds)
        args = {"DBInstanceIdentifier": "m1", "DBInstanceClass": "db.r6g.large", "Engine": "aurora-mysql",
                "DBClusterIdentifier": "shop", **extra}
        with pytest.raises(ClientError) as exc:
            rds.create_db_instance(**args)
        assert _code(exc) == code
        assert fingerprint(cloud, rds) == before
    rds.create_db_instance(DBInstanceIdentifier="m1", DBInstanceClass="db.r6g.large", Engine="aurora-mysql",
                           DBClusterIdentifier="shop")
    with pytest.raises(ClientError) as exc:
        rds.delete_db_cluster(DBClusterIdentifier="shop", SkipFinalSnapshot=True)
    assert _code(exc) == "InvalidDBClusterStateFault"
    rds.delete_db_instance(DBInstanceIdentifier="m1")  # a member needs no snapshot decision
    rds.delete_db_cluster(DBClusterIdentifier="shop", SkipFinalSnapshot=True)
    with pytest.raises(ClientError) as exc:
        rds.describe_db_clusters(DBClusterIdentifier="shop")
    assert _code(exc) == "DBClusterNotFoundFault" and exc.value.message == "DBCluster shop not found."


BAD_CLUSTERS = [
    ({"DBClusterIdentifier": "-x"}, "InvalidParameterValue"),
    ({"Engine": "postgres"}, "InvalidParameterValue"),  # Multi-AZ DB clusters: not modelled, refused
    ({"EngineMode": "serverless"}, "InvalidParameterValue"),
    ({"MasterUsername": None}, "InvalidParameterValue"),
    ({"ManageMasterUserPassword": True}, "InvalidParameterCombination"),  # with the password too
    ({"DBClusterIdentifier": "taken"}, "DBClusterAlreadyExistsFault"),
]


@pytest.mark.parametrize(("change", "code"), BAD_CLUSTERS)
def test_a_bad_cluster_create_is_refused_and_changes_nothing(cloud, rds, change, code):
    make_cluster(rds, "taken")
    before = fingerprint(cloud, rds)
    args = {"DBClusterIdentifier": "new", "Engine": "aurora-postgresql", "MasterUsername": "master",
            "MasterUserPassword": "Initial-pw-1234", **change}
    with pytest.raises(ClientError) as exc:
        rds.create_db_cluster(**{k: v for k, v in args.items() if v is not None})
    assert _code(exc) == code
    assert fingerprint(cloud, rds) == before


def test_docdb_clusters_answer_at_docdb_addresses(rds):
    c = make_cluster(rds, "docs", engine="docdb")
    assert c["Endpoint"].endswith(".us-east-1.docdb.amazonaws.com") and c["Port"] == 27017
