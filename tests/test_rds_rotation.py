"""A secret the account manages, rotated by the kit's pre-built rotation functions against an
RDS instance or cluster: the secret's ``host``/``port``/``engine`` are the instance's
endpoint, as CloudFormation's SecretTargetAttachment writes them, and the simulated
databases' directory resolves that host to the instance's server."""

from __future__ import annotations

import json

import pytest
from _rds_support import make_cluster, make_instance, rds  # noqa: F401 - rds is a fixture

from secretkit import rotation_functions
from secretkit.databases import databases

MASTER_PW = "Initial-pw-1234"
APP_PW = "App-password-0"


def _target(rds, engine):
    """(host, port, identifier key and value, server) of a new instance or Aurora cluster."""
    if engine.startswith("aurora"):
        c = make_cluster(rds, "shop", engine=engine)
        make_instance(rds, "shop-1", engine=engine, DBClusterIdentifier="shop", MasterUsername=None,
                      MasterUserPassword=None, AllocatedStorage=None)
        return c["Endpoint"], c["Port"], {"dbClusterIdentifier": "shop"}
    d = make_instance(rds, "shop-db", engine=engine)
    return d["Endpoint"]["Address"], d["Endpoint"]["Port"], {"dbInstanceIdentifier": "shop-db"}


@pytest.mark.parametrize("strategy", ["single-user", "alternating-users"])
@pytest.mark.parametrize("engine", ["postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"])
def test_prebuilt_rotation_against_an_rds_endpoint(cloud, rds, engine, strategy):
    host, port, ident = _target(rds, engine)
    server = databases(cloud).get(host)
    server.connect("master", MASTER_PW).create_user("app", APP_PW)
    sm = cloud.secretsmanager()
    base = {"engine": engine, "host": host, "port": port, **ident}
    master = sm.create_secret(Name="shop/master", SecretString=json.dumps({**base, "username": "master",
                                                                           "password": MASTER_PW}))
    extra = {"masterarn": master["ARN"]} if strategy == "alternating-users" else {}
    arn = sm.create_secret(Name="shop/app", SecretString=json.dumps({**base, "username": "app", "password": APP_PW,
                                                                     **extra}))["ARN"]
    function_arn = rotation_functions.deploy(cloud, "rotate-shop-app", engine, strategy,
                                             master_secret_arn=extra.get("masterarn"))
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 7})
    cloud.clock.advance(days=30)
    rotations = [e for e in cloud.events if e.operation == "RotationSucceeded" and e.resource == arn]
    assert 4 <= len(rotations) <= 6  # the first at once, then one a week
    current = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    previous = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"])
    assert current["host"] == host and current["port"] == port
    assert server.accepts(current["username"], current["password"])
    if strategy == "single-user":
        assert not server.accepts(previous["username"], previous["password"])
        assert not server.accepts("app", APP_PW)
    else:  # the user clients held until the last rotation still works; the two users alternate
        assert {current["username"], previous["username"]} == {"app", "app_clone"}
        assert server.accepts(previous["username"], previous["password"])
    assert server.accepts("master", MASTER_PW)  # the master user was used, not changed


def test_rotation_fails_when_the_instance_is_gone(cloud, rds):
    host, port, ident = _target(rds, "postgres")
    databases(cloud).get(host).connect("master", MASTER_PW).create_user("app", APP_PW)
    sm = cloud.secretsmanager()
    arn = sm.create_secret(Name="shop/app", SecretString=json.dumps(
        {"engine": "postgres", "host": host, "port": port, "username": "app", "password": APP_PW, **ident}))["ARN"]
    function_arn = rotation_functions.deploy(cloud, "rotate", "postgres", "single-user")
    rds.delete_db_instance(DBInstanceIdentifier="shop-db", SkipFinalSnapshot=True)
    sm.rotate_secret(SecretId=arn, RotationLambdaARN=function_arn)
    cloud.clock.advance(seconds=5)
    failed = [e for e in cloud.events if e.operation == "RotationFailed" and e.resource == arn]
    assert failed and failed[0].detail["step"] == "setSecret"
    assert "Unable to log into database" in failed[0].detail["error"]  # no version of the secret logs in
    assert json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])["password"] == APP_PW
