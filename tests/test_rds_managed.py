"""ManageMasterUserPassword: the secret RDS makes, owns and rotates in Secrets Manager, from
AWS's documentation (RDS User Guide, "Password management with Amazon RDS and AWS Secrets
Manager"; Secrets Manager User Guide, "Secrets managed by other AWS services" and "Managed
rotation"), through the model."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from _rds_support import fingerprint, make_cluster, make_instance, rds, secret_value  # noqa: F401 - rds is a fixture

from secretkit.core.errors import ClientError
from secretkit.databases import databases
from secretkit.pricing import bill_cloud

MANAGED = "The secret is managed by another service, and you must use that service to update it."


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]


def _managed(rds, identifier="app-db", **extra):
    d = make_instance(rds, identifier, ManageMasterUserPassword=True, **extra)
    return d, d["MasterUserSecret"]["SecretArn"]


def _rotations(cloud, arn):
    return [e for e in cloud.events if e.kind == "notice" and e.operation == "RotationSucceeded" and e.resource == arn]


# ---------------------------------------------------------------- the secret RDS makes
def test_rds_makes_an_owned_secret_holding_only_the_master_credentials(cloud, rds):
    d, arn = _managed(rds)
    sm = cloud.secretsmanager()
    desc = sm.describe_secret(SecretId=arn)
    assert re.fullmatch(r"rds!db-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", desc["Name"])
    assert desc["OwningService"] == "rds"
    assert desc["RotationEnabled"] is True and desc["RotationRules"] == {"AutomaticallyAfterDays": 7}
    assert "RotationLambdaARN" not in desc
    assert "KmsKeyId" not in desc  # aws/secretsmanager, which DescribeSecret leaves out
    tags = {t["Key"]: t["Value"] for t in desc["Tags"]}
    assert tags == {"aws:rds:primaryDBInstanceArn": d["DBInstanceArn"], "aws:secretsmanager:owningService": "rds"}
    value = secret_value(cloud, arn)
    assert set(value) == {"username", "password"} and value["username"] == "master"
    assert databases(cloud).get(d["Endpoint"]["Address"]).accepts("master", value["password"])
    secret = d["MasterUserSecret"]
    assert secret["SecretStatus"] == "active"
    assert secret["KmsKeyId"] == cloud.kms().describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["Arn"]


def test_the_owning_service_filter_finds_it(cloud, rds):
    _, arn = _managed(rds)
    cloud.secretsmanager().create_secret(Name="mine", SecretString="x")
    listed = cloud.secretsmanager().list_secrets(Filters=[{"Key": "owning-service", "Values": ["rds"]}])["SecretList"]
    assert [s["ARN"] for s in listed] == [arn] and listed[0]["OwningService"] == "rds"
    others = cloud.secretsmanager().list_secrets(Filters=[{"Key": "owning-service", "Values": ["!rds"]}])["SecretList"]
    assert [s["Name"] for s in others] == ["mine"]


def test_a_customer_managed_key_encrypts_it_when_named(cloud, rds):
    key = cloud.kms().create_key()["KeyMetadata"]
    cloud.kms().create_alias(AliasName="alias/rds-secrets", TargetKeyId=key["KeyId"])
    _, arn = _managed(rds, MasterUserSecretKmsKeyId="alias/rds-secrets")
    d = rds.describe_db_instances()["DBInstances"][0]
    assert d["MasterUserSecret"]["KmsKeyId"] == key["Arn"]
    assert cloud.secretsmanager().describe_secret(SecretId=arn)["KmsKeyId"] == "alias/rds-secrets"


def test_a_key_that_cannot_be_used_refuses_the_create_and_keeps_nothing(cloud, rds):
    key = cloud.kms().create_key()["KeyMetadata"]
    cloud.kms().disable_key(KeyId=key["KeyId"])
    before = fingerprint(cloud, rds)
    for key_id in ("alias/no-such-key", key["Arn"]):
        with pytest.raises(ClientError) as exc:
            make_instance(rds, ManageMasterUserPassword=True, MasterUserSecretKmsKeyId=key_id)
        assert _code(exc) == "KMSKeyNotAccessibleFault"
        assert fingerprint(cloud, rds) == before


# ---------------------------------------------------------------- what the account may not do
REFUSED = [
    ("delete_secret", {}),
    ("delete_secret", {"ForceDeleteWithoutRecovery": True}),
    ("put_secret_value", {"SecretString": '{"username": "master", "password": "mine-now-12"}'}),
    ("update_secret", {"Description": "hijacked"}),
    ("update_secret_version_stage", {"VersionStage": "AWSPENDING", "MoveToVersionId": "x" * 32}),
    ("cancel_rotate_secret", {}),
    ("rotate_secret", {"RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:rotator"}),
    ("tag_resource", {"Tags": [{"Key": "team", "Value": "x"}]}),
    ("untag_resource", {"TagKeys": ["aws:secretsmanager:owningService"]}),
    ("put_resource_policy", {"ResourcePolicy": '{"Version": "2012-10-17", "Statement": []}'}),
    ("replicate_secret_to_regions", {"AddReplicaRegions": [{"Region": "eu-west-1"}]}),
]


@pytest.mark.parametrize(("call", "args"), REFUSED)
def test_the_account_cannot_change_a_secret_rds_owns(cloud, rds, call, args):
    _, arn = _managed(rds)
    before = fingerprint(cloud, rds)
    with pytest.raises(ClientError) as exc:
        getattr(cloud.secretsmanager(), call)(SecretId=arn, **args)
    assert _code(exc) == "InvalidRequestException" and exc.value.message == MANAGED
    assert fingerprint(cloud, rds) == before


def test_the_account_may_read_it(cloud, rds):
    _, arn = _managed(rds)
    sm = cloud.secretsmanager()
    assert sm.get_secret_value(SecretId=arn)["VersionStages"] == ["AWSCURRENT"]
    assert sm.list_secret_version_ids(SecretId=arn)["Versions"]


# ---------------------------------------------------------------- managed rotation
def test_thirty_days_of_managed_rotation(cloud, rds):
    d, arn = _managed(rds)
    db = databases(cloud).get(d["Endpoint"]["Address"])
    first = secret_value(cloud, arn)["password"]
    cloud.clock.advance(days=30)
    assert 4 <= len(_rotations(cloud, arn)) <= 5
    sm = cloud.secretsmanager()
    current = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    previous = json.loads(sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"])
    assert db.accepts("master", current["password"])
    assert not db.accepts("master", previous["password"]) and not db.accepts("master", first)
    assert current["password"] != previous["password"] and previous["username"] == "master"
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert sorted(s for v in stages.values() for s in v) == ["AWSCURRENT", "AWSPREVIOUS"]  # no AWSPENDING left
    desc = sm.describe_secret(SecretId=arn)
    assert desc["LastRotatedDate"] <= cloud.clock.now < desc["NextRotationDate"]
    assert not [e for e in cloud.events if e.operation == "RotationFailed"]


def test_rotate_secret_without_a_function_rotates_now_and_sets_the_schedule(cloud, rds):
    d, arn = _managed(rds)
    db = databases(cloud).get(d["Endpoint"]["Address"])
    sm = cloud.secretsmanager()
    out = sm.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 14})
    assert sm.describe_secret(SecretId=arn)["VersionIdsToStages"][out["VersionId"]] == ["AWSCURRENT"]
    assert db.accepts("master", secret_value(cloud, arn)["password"])
    assert sm.describe_secret(SecretId=arn)["RotationRules"] == {"AutomaticallyAfterDays": 14}
    cloud.clock.advance(days=13)
    assert len(_rotations(cloud, arn)) == 1
    cloud.clock.advance(days=2)
    assert len(_rotations(cloud, arn)) == 2
    sm.rotate_secret(SecretId=arn, RotateImmediately=False)
    assert len(_rotations(cloud, arn)) == 2


def test_modify_rotate_master_user_password_needs_apply_immediately(cloud, rds):
    d, arn = _managed(rds)
    before = fingerprint(cloud, rds)
    with pytest.raises(ClientError) as exc:
        rds.modify_db_instance(DBInstanceIdentifier="app-db", RotateMasterUserPassword=True)
    assert _code(exc) == "InvalidParameterCombination"
    assert fingerprint(cloud, rds) == before
    old = secret_value(cloud, arn)["password"]
    rds.modify_db_instance(DBInstanceIdentifier="app-db", RotateMasterUserPassword=True, ApplyImmediately=True)
    new = secret_value(cloud, arn)["password"]
    db = databases(cloud).get(d["Endpoint"]["Address"])
    assert new != old and db.accepts("master", new) and not db.accepts("master", old)


def test_a_rotation_that_cannot_encrypt_changes_nothing_and_marks_the_secret_impaired(cloud, rds):
    key = cloud.kms().create_key()["KeyMetadata"]
    d, arn = _managed(rds, MasterUserSecretKmsKeyId=key["Arn"])
    db = databases(cloud).get(d["Endpoint"]["Address"])
    password = secret_value(cloud, arn)["password"]
    cloud.kms().disable_key(KeyId=key["KeyId"])
    cloud.clock.advance(days=9)
    assert [e.detail["step"] for e in cloud.events if e.operation == "RotationFailed"] == ["createSecret"]
    assert db.accepts("master", password)
    assert rds.describe_db_instances()["DBInstances"][0]["MasterUserSecret"]["SecretStatus"] == "impaired"
    cloud.kms().enable_key(KeyId=key["KeyId"])
    cloud.clock.advance(days=8)
    assert len(_rotations(cloud, arn)) == 1
    assert db.accepts("master", secret_value(cloud, arn)["password"])
    assert rds.describe_db_instances()["DBInstances"][0]["MasterUserSecret"]["SecretStatus"] == "active"


# ---------------------------------------------------------------- turning management on and off
def test_turning_management_on_and_off(cloud, rds):
    d = make_instance(rds)
    db = databases(cloud).get(d["Endpoint"]["Address"])
    out = rds.modify_db_instance(DBInstanceIdentifier="app-db", ManageMasterUserPassword=True, ApplyImmediately=True)
    arn = out["DBInstance"]["MasterUserSecret"]["SecretArn"]
    assert not db.accepts("master", "Initial-pw-1234") and db.accepts("master", secret_value(cloud, arn)["password"])
    before = fingerprint(cloud, rds)
    with pytest.raises(ClientError) as exc:
        rds.modify_db_instance(DBInstanceIdentifier="app-db", ManageMasterUserPassword=False)
    assert exc.value.message == "MasterUserPassword must be provided when ManageMasterUserPassword is set to false."
    with pytest.raises(ClientError) as exc:
        rds.modify_db_instance(DBInstanceIdentifier="app-db", MasterUserPassword="Mine-again-12")
    assert _code(exc) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        rds.modify_db_instance(DBInstanceIdentifier="app-db", ManageMasterUserPassword=True,
                               MasterUserSecretKmsKeyId="alias/aws/secretsmanager")
    assert _code(exc) == "InvalidParameterCombination"
    assert fingerprint(cloud, rds) == before
    out = rds.modify_db_instance(DBInstanceIdentifier="app-db", ManageMasterUserPassword=False,
                                 MasterUserPassword="Mine-again-12")
    assert "MasterUserSecret" not in out["DBInstance"]
    assert db.accepts("master", "Mine-again-12")
    with pytest.raises(ClientError) as exc:
        cloud.secretsmanager().describe_secret(SecretId=arn)
    assert _code(exc) == "ResourceNotFoundException"


def test_deleting_the_instance_deletes_its_secret(cloud, rds):
    _, arn = _managed(rds)
    rds.delete_db_instance(DBInstanceIdentifier="app-db", SkipFinalSnapshot=True)
    with pytest.raises(ClientError) as exc:
        cloud.secretsmanager().get_secret_value(SecretId=arn)
    assert _code(exc) == "ResourceNotFoundException"
    calls = [e for e in cloud.events if e.kind == "call" and e.service == "secretsmanager" and e.resource == arn
             and e.operation in ("CreateSecret", "DeleteSecret")]
    assert [(e.operation, e.principal) for e in calls] == [("CreateSecret", "rds.amazonaws.com"),
                                                            ("DeleteSecret", "rds.amazonaws.com")]


# ---------------------------------------------------------------- clusters
def test_a_cluster_keeps_its_master_password_in_an_rds_cluster_secret(cloud, rds):
    c = make_cluster(rds, "shop", ManageMasterUserPassword=True)
    arn = c["MasterUserSecret"]["SecretArn"]
    desc = cloud.secretsmanager().describe_secret(SecretId=arn)
    assert desc["Name"].startswith("rds!cluster-") and desc["OwningService"] == "rds"
    assert {"Key": "aws:rds:primaryDBClusterArn", "Value": c["DBClusterArn"]} in desc["Tags"]
    member = make_instance(rds, "shop-1", engine="aurora-postgresql", DBClusterIdentifier="shop", MasterUsername=None,
                           MasterUserPassword=None, AllocatedStorage=None)
    assert "MasterUserSecret" not in member
    cloud.clock.advance(days=8)
    assert len(_rotations(cloud, arn)) == 1
    server = databases(cloud).get(member["Endpoint"]["Address"])
    assert server.accepts("master", secret_value(cloud, arn)["password"])
    rds.delete_db_instance(DBInstanceIdentifier="shop-1")
    rds.delete_db_cluster(DBClusterIdentifier="shop", SkipFinalSnapshot=True)
    with pytest.raises(ClientError):
        cloud.secretsmanager().describe_secret(SecretId=arn)


# ---------------------------------------------------------------- cost
def test_the_managed_secret_costs_what_a_secret_costs(cloud, rds):
    _, arn = _managed(rds)
    cloud.clock.advance(days=365 / 12)  # one average month: 730 hours
    bill = bill_cloud(cloud)
    hours = [line for line in bill.select(dimension="secretsmanager:secret-month") if line.resource == arn]
    assert len(hours) == 1 and hours[0].quantity == Decimal(730)
    assert hours[0].amount == Decimal("0.40")
    # RDS's own CreateSecret is an API call on the account's bill; the rotations the clock ran
    # are not calls; RDS itself is not priced by the kit's meter.
    assert bill.quantity("secretsmanager:api-calls") == 1
    assert "rds" not in bill.by_service()
