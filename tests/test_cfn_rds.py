"""RDS instances and clusters made by CloudFormation stacks, on the kit's simulated database
servers, seen through genuine ``rds`` and ``secretsmanager`` clients: a password from a
dynamic reference, the attachment that writes the connection details, and the master
secret RDS manages and rotates itself."""

from __future__ import annotations

import json

import pytest

from secretkit.databases import databases
from _cfn_support import failures, outputs, status as stack_status

ACCOUNT = "123456789012"

APP_DB = """
Parameters:
  Stage:
    Type: String
    Default: prod
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub ecommerce/${Stage}/db
      GenerateSecretString:
        SecretStringTemplate: '{"username": "shop_admin"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludeCharacters: '"@/\\'
  OrdersDb:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: Orders-DB
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      DBName: orders
      MasterUsername: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:username}}'
      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:password}}'
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref DbSecret
      TargetId: !Ref OrdersDb
      TargetType: AWS::RDS::DBInstance
Outputs:
  Db:
    Value: !Ref OrdersDb
  Address:
    Value: !GetAtt OrdersDb.Endpoint.Address
  Port:
    Value: !GetAtt OrdersDb.Endpoint.Port
  Arn:
    Value: !GetAtt OrdersDb.DBInstanceArn
  ResourceId:
    Value: !GetAtt OrdersDb.DbiResourceId
"""


@pytest.fixture
def cfn(cloud):
    return cloud.client("cloudformation", region_name="us-east-1")


@pytest.fixture
def rds(cloud):
    return cloud.client("rds", region_name="us-east-1")


@pytest.fixture
def secrets(cloud):
    return cloud.client("secretsmanager", region_name="us-east-1")


def test_an_instance_gets_its_password_from_the_stacks_secret(cloud, cfn, rds, secrets):
    cfn.create_stack(StackName="shop", TemplateBody=APP_DB)
    assert stack_status(cfn, "shop") == "CREATE_COMPLETE", failures(cfn, "shop")
    out = outputs(cfn, "shop")
    assert out["Db"] == "orders-db"  # CloudFormation lower-cases the identifier
    entry = rds.describe_db_instances(DBInstanceIdentifier="orders-db")["DBInstances"][0]
    assert out["Address"] == entry["Endpoint"]["Address"] and out["Port"] == "5432"
    assert out["Arn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:orders-db" == entry["DBInstanceArn"]
    assert out["ResourceId"] == entry["DbiResourceId"]
    assert (entry["Engine"], entry["DBName"], entry["MasterUsername"]) == ("postgres", "orders", "shop_admin")
    value = json.loads(secrets.get_secret_value(SecretId="ecommerce/prod/db")["SecretString"])
    assert (value["engine"], value["host"], value["port"], value["dbInstanceIdentifier"]) == (
        "postgres", entry["Endpoint"]["Address"], 5432, "orders-db")
    server = databases(cloud).get(entry["Endpoint"]["Address"])
    assert server.accepts("shop_admin", value["password"])
    events = json.dumps(cfn.describe_stack_events(StackName="shop")["StackEvents"], default=str)
    assert value["password"] not in events  # the resolved value never shows

    cfn.delete_stack(StackName="shop")
    assert rds.describe_db_instances()["DBInstances"] == []
    assert secrets.list_secrets()["SecretList"] == []


def test_rds_managed_master_secret_rotates_every_seven_days(cloud, cfn, rds, secrets):
    body = """
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      MasterUsername: admin
      ManageMasterUserPassword: true
Outputs:
  Db:
    Value: !Ref Db
  SecretArn:
    Value: !GetAtt Db.MasterUserSecret.SecretArn
"""
    cfn.create_stack(StackName="managed", TemplateBody=body)
    assert stack_status(cfn, "managed") == "CREATE_COMPLETE", failures(cfn, "managed")
    out = outputs(cfn, "managed")
    assert out["Db"].startswith("managed-db-") and out["Db"] == out["Db"].lower()
    described = secrets.describe_secret(SecretId=out["SecretArn"])
    assert described["Name"].startswith("rds!db-") and described["OwningService"] == "rds"
    assert described["RotationEnabled"] is True and described["RotationRules"]["AutomaticallyAfterDays"] == 7
    before = json.loads(secrets.get_secret_value(SecretId=out["SecretArn"])["SecretString"])
    cloud.clock.advance(days=8)
    after = json.loads(secrets.get_secret_value(SecretId=out["SecretArn"])["SecretString"])
    assert after["username"] == "admin" and after["password"] != before["password"]
    address = rds.describe_db_instances(DBInstanceIdentifier=out["Db"])["DBInstances"][0]["Endpoint"]["Address"]
    assert databases(cloud).get(address).accepts("admin", after["password"])

    # back to a password of our own: RDS deletes its secret
    own = body.replace("ManageMasterUserPassword: true", "MasterUserPassword: my-own-password-1")
    own = own.replace("  SecretArn:\n    Value: !GetAtt Db.MasterUserSecret.SecretArn\n", "")
    cfn.update_stack(StackName="managed", TemplateBody=own)
    assert stack_status(cfn, "managed") == "UPDATE_COMPLETE", failures(cfn, "managed")
    assert outputs(cfn, "managed")["Db"] == out["Db"]  # modified in place, not replaced
    assert databases(cloud).get(address).accepts("admin", "my-own-password-1")
    assert "MasterUserSecret" not in rds.describe_db_instances(DBInstanceIdentifier=out["Db"])["DBInstances"][0]


def test_a_cluster_with_a_managed_secret_and_an_instance_in_it(cloud, cfn, rds, secrets):
    body = """
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: shop-cluster
      Engine: aurora-postgresql
      DatabaseName: shop
      MasterUsername: shop_admin
      ManageMasterUserPassword: true
  Writer:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      Engine: aurora-postgresql
      DBInstanceClass: db.r6g.large
Outputs:
  Cluster:
    Value: !Ref Cluster
  Endpoint:
    Value: !GetAtt Cluster.Endpoint.Address
  Reader:
    Value: !GetAtt Cluster.ReadEndpoint.Address
  Port:
    Value: !GetAtt Cluster.Endpoint.Port
  Arn:
    Value: !GetAtt Cluster.DBClusterArn
  SecretArn:
    Value: !GetAtt Cluster.MasterUserSecret.SecretArn
"""
    cfn.create_stack(StackName="aurora", TemplateBody=body)
    assert stack_status(cfn, "aurora") == "CREATE_COMPLETE", failures(cfn, "aurora")
    out = outputs(cfn, "aurora")
    cluster = rds.describe_db_clusters(DBClusterIdentifier="shop-cluster")["DBClusters"][0]
    assert (out["Endpoint"], out["Reader"], out["Port"]) == (cluster["Endpoint"], cluster["ReaderEndpoint"], "5432")
    assert out["Arn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:shop-cluster"
    assert [m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"]] == [
        cfn.describe_stack_resource(StackName="aurora", LogicalResourceId="Writer")["StackResourceDetail"]["PhysicalResourceId"]]
    assert secrets.describe_secret(SecretId=out["SecretArn"])["Name"].startswith("rds!cluster-")
    cfn.delete_stack(StackName="aurora")  # the instance goes first, then the cluster
    assert rds.describe_db_clusters()["DBClusters"] == [] and secrets.list_secrets()["SecretList"] == []


def test_a_password_and_a_managed_secret_together_fail_and_roll_back(cfn, rds, secrets):
    body = APP_DB.replace("      DBName: orders\n", "      DBName: orders\n      ManageMasterUserPassword: true\n")
    cfn.create_stack(StackName="shop", TemplateBody=body)
    assert stack_status(cfn, "shop") == "ROLLBACK_COMPLETE"
    (logical, reason), = failures(cfn, "shop")
    assert logical == "OrdersDb" and "(Service: RDS, Status Code: 400" in reason
    assert rds.describe_db_instances()["DBInstances"] == [] and secrets.list_secrets()["SecretList"] == []


def test_instance_class_changes_in_place_and_a_new_database_name_replaces_it(cloud, cfn, rds):
    body = """
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      DBName: orders
      MasterUsername: shop_admin
      MasterUserPassword: first-password-1
Outputs:
  Db:
    Value: !Ref Db
"""
    cfn.create_stack(StackName="db", TemplateBody=body)
    first = outputs(cfn, "db")["Db"]
    cfn.update_stack(StackName="db", TemplateBody=body.replace("db.t4g.micro", "db.t4g.small"))
    assert stack_status(cfn, "db") == "UPDATE_COMPLETE", failures(cfn, "db")
    assert outputs(cfn, "db")["Db"] == first
    assert rds.describe_db_instances(DBInstanceIdentifier=first)["DBInstances"][0]["DBInstanceClass"] == "db.t4g.small"

    cfn.update_stack(StackName="db", TemplateBody=body.replace("DBName: orders", "DBName: sales"))
    assert stack_status(cfn, "db") == "UPDATE_COMPLETE", failures(cfn, "db")
    second = outputs(cfn, "db")["Db"]
    assert second != first  # a new database, the old one deleted in the cleanup
    assert [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]] == [second]
    assert rds.describe_db_instances(DBInstanceIdentifier=second)["DBInstances"][0]["DBName"] == "sales"
