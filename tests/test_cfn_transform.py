"""The AWS::SecretsManager transforms: a RotationSchedule's HostedRotationLambda deploys the
kit's pre-built rotation function with its role and permission, and the schedule rotates a
real (simulated) database's password, seen through genuine boto3 clients."""

from __future__ import annotations

import json

import pytest

from secretkit.databases import databases
from _cfn_support import failures, status as stack_status

ACCOUNT = "123456789012"

HOSTED = """
Transform: AWS::SecretsManager-2024-09-16
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: ecommerce/prod/orders-db
      GenerateSecretString:
        SecretStringTemplate: '{"username": "orders_admin"}'
        GenerateStringKey: password
        PasswordLength: 20
        ExcludeCharacters: '"@/\\'
  OrdersDb:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      MasterUsername: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:username}}'
      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DbSecret}:SecretString:password}}'
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref DbSecret
      TargetId: !Ref OrdersDb
      TargetType: AWS::RDS::DBInstance
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    DependsOn: Attachment
    Properties:
      SecretId: !Ref DbSecret
      HostedRotationLambda:
        RotationType: PostgreSQLSingleUser
        RotationLambdaName: orders-db-rotation
        ExcludeCharacters: '"@/\\'
      RotationRules:
        AutomaticallyAfterDays: 30
"""


@pytest.fixture
def cfn(cloud):
    return cloud.client("cloudformation", region_name="us-east-1")


def test_hosted_rotation_deploys_the_function_and_rotates_the_database(cloud, cfn):
    secrets = cloud.client("secretsmanager", region_name="us-east-1")
    lam = cloud.client("lambda", region_name="us-east-1")
    iam = cloud.client("iam", region_name="us-east-1")
    with pytest.raises(cfn.exceptions.InsufficientCapabilitiesException) as refused:
        cfn.create_stack(StackName="orders", TemplateBody=HOSTED, Capabilities=["CAPABILITY_IAM"])
    assert refused.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_AUTO_EXPAND]"
    with pytest.raises(cfn.exceptions.InsufficientCapabilitiesException) as refused:
        cfn.create_stack(StackName="orders", TemplateBody=HOSTED, Capabilities=["CAPABILITY_AUTO_EXPAND"])
    assert refused.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_IAM]"

    cfn.create_stack(StackName="orders", TemplateBody=HOSTED, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    assert stack_status(cfn, "orders") == "CREATE_COMPLETE", failures(cfn, "orders")
    made = {r["LogicalResourceId"]: r["ResourceType"] for r in cfn.list_stack_resources(StackName="orders")["StackResourceSummaries"]}
    assert made["RotationRotationLambda"] == "AWS::Lambda::Function"
    assert made["RotationRotationLambdaRole"] == "AWS::IAM::Role"
    assert made["RotationRotationLambdaInvokePermission"] == "AWS::Lambda::Permission"

    config = lam.get_function_configuration(FunctionName="orders-db-rotation")
    assert config["Handler"] == "lambda_function.lambda_handler" and config["Timeout"] == 30
    assert config["Environment"]["Variables"]["SECRETS_MANAGER_ENDPOINT"] == "https://secretsmanager.us-east-1.amazonaws.com"
    role_name = config["Role"].rsplit("/", 1)[1]
    policy = iam.get_role_policy(RoleName=role_name, PolicyName="SecretsManagerRotationPolicy")["PolicyDocument"]
    assert "secretsmanager:PutSecretValue" in json.dumps(policy)
    statement = json.loads(lam.get_policy(FunctionName="orders-db-rotation")["Policy"])["Statement"][0]
    assert statement["Principal"] == {"Service": "secretsmanager.amazonaws.com"}

    cloud.clock.advance(seconds=10)  # the first rotation, started by the schedule's creation
    value = json.loads(secrets.get_secret_value(SecretId="ecommerce/prod/orders-db")["SecretString"])
    server = databases(cloud).get(value["host"])
    assert server.accepts("orders_admin", value["password"])
    previous = json.loads(secrets.get_secret_value(SecretId="ecommerce/prod/orders-db", VersionStage="AWSPREVIOUS")["SecretString"])
    assert previous["password"] != value["password"] and not server.accepts("orders_admin", previous["password"])
    described = secrets.describe_secret(SecretId="ecommerce/prod/orders-db")
    assert described["RotationLambdaARN"] == config["FunctionArn"]

    cloud.clock.advance(days=31)
    rotated = json.loads(secrets.get_secret_value(SecretId="ecommerce/prod/orders-db")["SecretString"])
    assert rotated["password"] != value["password"] and server.accepts("orders_admin", rotated["password"])

    original = cfn.get_template(StackName="orders")["TemplateBody"]
    assert "HostedRotationLambda" in original
    processed = cfn.get_template(StackName="orders", TemplateStage="Processed")["TemplateBody"]
    assert "Transform" not in processed and "HostedRotationLambda" not in json.dumps(processed)
    assert processed["Resources"]["Rotation"]["Properties"]["RotationLambdaARN"] == {"Fn::GetAtt": ["RotationRotationLambda", "Arn"]}

    cfn.delete_stack(StackName="orders")
    assert lam.list_functions()["Functions"] == [] and iam.list_roles()["Roles"] == []
    assert secrets.list_secrets()["SecretList"] == []


def test_a_change_set_expands_the_transform_without_auto_expand(cloud, cfn):
    cfn.create_change_set(StackName="orders", ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=HOSTED,
                          Capabilities=["CAPABILITY_IAM"])
    changes = cfn.describe_change_set(StackName="orders", ChangeSetName="first")["Changes"]
    added = sorted(c["ResourceChange"]["LogicalResourceId"] for c in changes)
    assert "RotationRotationLambda" in added and "RotationRotationLambdaRole" in added
    cfn.execute_change_set(StackName="orders", ChangeSetName="first")
    assert stack_status(cfn, "orders") == "CREATE_COMPLETE", failures(cfn, "orders")


FAILED_WITH = "Transform AWS::SecretsManager-2024-09-16 failed with: "
BOTH = "      RotationLambdaARN: arn:aws:lambda:us-east-1:123456789012:function:x\n      HostedRotationLambda:"


@pytest.mark.parametrize("old, new, message", [
    ("      HostedRotationLambda:", BOTH, FAILED_WITH + "Can only specify either HostedRotationLambda or RotationLambdaARN."),
    ("RotationType: PostgreSQLSingleUser", "RotationType: OracleSingleUser",
     FAILED_WITH + "secretkit has no pre-built rotation function for RotationType OracleSingleUser."),
])
def test_the_transform_refuses_what_aws_refuses(cloud, cfn, old, new, message):
    body = HOSTED.replace(old, new)
    with pytest.raises(cfn.exceptions.ClientError) as refused:
        cfn.create_stack(StackName="orders", TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == message
    assert cfn.list_stacks()["StackSummaries"] == []


def test_the_2020_version_and_a_multi_user_function(cloud, cfn):
    body = HOSTED.replace("AWS::SecretsManager-2024-09-16", "AWS::SecretsManager-2020-07-23")
    body = body.replace("RotationType: PostgreSQLSingleUser", "RotationType: MySQLMultiUser")
    body = body.replace("Engine: postgres", "Engine: mysql")
    cfn.create_stack(StackName="orders", TemplateBody=body,
                     Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    # a multi-user rotation needs a master secret (masterarn) in the secret: the first rotation fails,
    # which is what AWS's function does with such a secret; the stack itself is made
    assert stack_status(cfn, "orders") == "CREATE_COMPLETE", failures(cfn, "orders")
    lam = cloud.client("lambda", region_name="us-east-1")
    config = lam.get_function_configuration(FunctionName="orders-db-rotation")
    assert "alternating users" in config["Description"]
    role_name = config["Role"].rsplit("/", 1)[1]
    policy = cloud.client("iam").get_role_policy(RoleName=role_name, PolicyName="SecretsManagerRotationPolicy")["PolicyDocument"]
    assert "rds:DescribeDBInstances" in json.dumps(policy)


def test_validate_template_names_the_transform_as_needing_auto_expand(cfn):
    out = cfn.validate_template(TemplateBody=HOSTED)
    assert out["Capabilities"] == ["CAPABILITY_AUTO_EXPAND"]
    assert out["CapabilitiesReason"] == "The following resource(s) require capabilities: [AWS::SecretsManager-2024-09-16]"
    assert out["DeclaredTransforms"] == ["AWS::SecretsManager-2024-09-16"]


IN_A_VPC = """
Transform: AWS::SecretsManager-2024-09-16
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.96.0/19
      AvailabilityZone: !Select [0, !GetAZs '']
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.128.0/19
      AvailabilityZone: !Select [1, !GetAZs '']
  DbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: the database
      VpcId: !Ref Vpc
  RotationSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: the rotation function
      VpcId: !Ref Vpc
  DbIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbSecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 3306
      ToPort: 3306
      SourceSecurityGroupId: !GetAtt RotationSecurityGroup.GroupId
  SecretsManagerEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
      VpcEndpointType: Interface
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
      SecurityGroupIds: [!GetAtt RotationSecurityGroup.GroupId]
  SubnetGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: two subnets
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "admin"}'
        GenerateStringKey: password
        PasswordLength: 16
        ExcludeCharacters: '"@/\\'
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: 20
      DBSubnetGroupName: !Ref SubnetGroup
      VPCSecurityGroups: [!GetAtt DbSecurityGroup.GroupId]
      MasterUsername: !Sub '{{resolve:secretsmanager:${DbSecret}::username}}'
      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DbSecret}::password}}'
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref DbSecret
      TargetId: !Ref Db
      TargetType: AWS::RDS::DBInstance
  Rotation:
    Type: AWS::SecretsManager::RotationSchedule
    DependsOn: Attachment
    Properties:
      SecretId: !Ref DbSecret
      HostedRotationLambda:
        RotationType: MySQLSingleUser
        VpcSecurityGroupIds: !GetAtt RotationSecurityGroup.GroupId
        VpcSubnetIds: !Join [',', [!Ref SubnetA, !Ref SubnetB]]
      RotationRules:
        AutomaticallyAfterDays: 30
"""


def test_an_example_in_a_vpc_deploys_with_inert_networking_and_rotates(cloud, cfn):
    secrets = cloud.client("secretsmanager", region_name="us-east-1")
    rds = cloud.client("rds", region_name="us-east-1")
    cfn.create_stack(StackName="vpc-db", TemplateBody=IN_A_VPC, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    assert stack_status(cfn, "vpc-db") == "CREATE_COMPLETE", failures(cfn, "vpc-db")
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                 for r in cfn.list_stack_resources(StackName="vpc-db")["StackResourceSummaries"]}
    assert resources["Vpc"].startswith("vpc-") and resources["SubnetA"].startswith("subnet-")
    assert resources["SubnetGroup"].startswith("vpc-db-subnetgroup-")
    entry = rds.describe_db_instances(DBInstanceIdentifier=resources["Db"])["DBInstances"][0]
    assert entry["VpcSecurityGroups"] == [{"VpcSecurityGroupId": resources["DbSecurityGroup"], "Status": "active"}]
    cloud.clock.advance(seconds=10)
    arn = resources["DbSecret"]
    value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
    assert value["engine"] == "mysql" and databases(cloud).get(value["host"]).accepts("admin", value["password"])
    previous = json.loads(secrets.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"])
    assert previous["password"] != value["password"]
