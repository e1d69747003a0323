"""RDS through a genuine boto3 client: botocore checks the requests, the answers match
botocore's output shapes, errors arrive as botocore's fault classes, and the paginator and
waiters work without sleeping."""

from __future__ import annotations

import json

import pytest
from _shapes import check_shape, code_of, message_of
from botocore.exceptions import ParamValidationError

CREATE = {"DBInstanceIdentifier": "app-db", "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
          "MasterUsername": "master", "AllocatedStorage": 20}


@pytest.fixture
def rds(cloud):
    return cloud.client("rds", region_name="us-east-1")


def _shape(client, operation):
    return client.meta.service_model.operation_model(operation).output_shape


def test_every_answer_matches_botocores_output_shapes(cloud, rds):
    answers = {
        "CreateDBCluster": rds.create_db_cluster(DBClusterIdentifier="shop", Engine="aurora-mysql",
                                                 MasterUsername="admin", ManageMasterUserPassword=True),
        "CreateDBInstance": rds.create_db_instance(**CREATE, ManageMasterUserPassword=True,
                                                   VpcSecurityGroupIds=["sg-1"], Tags=[{"Key": "team", "Value": "a"}]),
        "DescribeDBInstances": rds.describe_db_instances(),
        "DescribeDBClusters": rds.describe_db_clusters(),
        "ModifyDBInstance": rds.modify_db_instance(DBInstanceIdentifier="app-db", DBInstanceClass="db.m5.large"),
        "ModifyDBCluster": rds.modify_db_cluster(DBClusterIdentifier="shop", DeletionProtection=True),
        "DeleteDBInstance": rds.delete_db_instance(DBInstanceIdentifier="app-db", SkipFinalSnapshot=True),
    }
    for operation, answer in answers.items():
        check_shape(answer, _shape(rds, operation))
    instance = answers["CreateDBInstance"]["DBInstance"]
    assert instance["TagList"] == [{"Key": "team", "Value": "a"}]
    assert instance["VpcSecurityGroups"] == [{"VpcSecurityGroupId": "sg-1", "Status": "active"}]


def test_botocore_refuses_what_its_model_refuses_before_the_model_sees_it(rds):
    with pytest.raises(ParamValidationError):
        rds.create_db_instance(DBInstanceIdentifier="x", Engine="postgres")  # no DBInstanceClass
    assert rds.describe_db_instances()["DBInstances"] == []


def test_faults_arrive_as_botocores_exception_classes(rds):
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault) as exc:
        rds.describe_db_instances(DBInstanceIdentifier="nope")
    assert code_of(exc) == "DBInstanceNotFound" and message_of(exc) == "DBInstance nope not found."
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    rds.create_db_instance(**CREATE, MasterUserPassword="Initial-pw-1")
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault):
        rds.create_db_instance(**CREATE, MasterUserPassword="Initial-pw-1")
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.delete_db_cluster(DBClusterIdentifier="nope", SkipFinalSnapshot=True)
    with pytest.raises(rds.exceptions.ClientError) as exc:
        rds.create_db_instance(**{**CREATE, "DBInstanceIdentifier": "other"}, MasterUserPassword="pw",)
    assert code_of(exc) == "InvalidParameterValue" and exc.value.response["Error"]["Type"] == "Sender"


def test_the_paginator_walks_every_page(rds):
    for i in range(45):
        rds.create_db_instance(**{**CREATE, "DBInstanceIdentifier": f"db{i:02d}"}, MasterUserPassword="Initial-pw-1")
    pages = list(rds.get_paginator("describe_db_instances").paginate(PaginationConfig={"PageSize": 20}))
    assert [len(p["DBInstances"]) for p in pages] == [20, 20, 5]
    names = [d["DBInstanceIdentifier"] for p in pages for d in p["DBInstances"]]
    assert names == [f"db{i:02d}" for i in range(45)]


def test_waiters_see_the_instance_available_then_deleted_at_once(rds):
    rds.create_db_instance(**CREATE, MasterUserPassword="Initial-pw-1")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="app-db", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    rds.delete_db_instance(DBInstanceIdentifier="app-db", SkipFinalSnapshot=True)
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="app-db", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


def test_the_managed_secret_through_both_clients(cloud, rds):
    made = rds.create_db_instance(**CREATE, ManageMasterUserPassword=True)["DBInstance"]
    arn = made["MasterUserSecret"]["SecretArn"]
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    value = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    assert value["username"] == "master"
    assert sm.describe_secret(SecretId=arn)["OwningService"] == "rds"
    with pytest.raises(sm.exceptions.InvalidRequestException):
        sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    rds.modify_db_instance(DBInstanceIdentifier="app-db", RotateMasterUserPassword=True, ApplyImmediately=True)
    assert json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])["password"] != value["password"]
    found = sm.list_secrets(Filters=[{"Key": "owning-service", "Values": ["rds"]}])["SecretList"]
    assert [s["ARN"] for s in found] == [arn]
