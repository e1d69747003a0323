"""What the RDS tests share: a fresh Cloud's RDS, an instance or cluster made in one call,
and a fingerprint of everything a failed call must leave as it was."""

from __future__ import annotations

import json

import pytest

from secretkit.databases import databases


@pytest.fixture
def rds(cloud):
    return cloud.rds("us-east-1")


def make_instance(rds, identifier="app-db", engine="postgres", **extra):
    args = {"DBInstanceIdentifier": identifier, "DBInstanceClass": "db.t3.micro", "Engine": engine,
            "MasterUsername": "master", "AllocatedStorage": 20}
    if "ManageMasterUserPassword" not in extra:
        args["MasterUserPassword"] = "Initial-pw-1234"
    args.update(extra)
    rds.create_db_instance(**args)
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def make_cluster(rds, identifier="app-cluster", engine="aurora-postgresql", **extra):
    args = {"DBClusterIdentifier": identifier, "Engine": engine, "MasterUsername": "master"}
    if "ManageMasterUserPassword" not in extra:
        args["MasterUserPassword"] = "Initial-pw-1234"
    args.update(extra)
    rds.create_db_cluster(**args)
    return rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]


def secret_value(cloud, arn):
    return json.loads(cloud.secretsmanager().get_secret_value(SecretId=arn)["SecretString"])


def fingerprint(cloud, rds):
    """Everything a call could change: instances, clusters, secrets and their versions, the
    database directory and every user's stored password hash."""
    sm = cloud.secretsmanager()
    secrets = {
        s.arn: (s.name, tuple(sorted(s.versions)), tuple(sorted(s.labels.items())), s.deleted_date,
                s.description, tuple(tuple(sorted(t.items())) for t in s.tags), s.rotation_enabled,
                str(s.rotation_rules), s.rotation_lambda_arn, s.owning_service)
        for s in sm.store.by_arn.values()
    }
    directory = databases(cloud)
    servers = {
        host: tuple(sorted((name, user.digest) for name, user in db.users.items())) + (db.down,)
        for host, db in directory.by_host.items()
    }
    instances = rds.describe_db_instances()["DBInstances"]
    clusters = rds.describe_db_clusters()["DBClusters"]
    return instances, clusters, secrets, servers
