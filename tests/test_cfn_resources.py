"""Each resource type: what it makes in the services, its Ref and Fn::GetAtt values as AWS
documents them, its updates and deletion. The templates follow the patterns of AWS's own
examples for these types (written out here, not copied)."""

from __future__ import annotations

import json
import re

import pytest

from _cfn_support import error_of, events, make_cfn, output, physical_id, status
from _lambda_support import lambda_role
from secretkit import rotation_functions
from secretkit.databases import databases

ARN = r"arn:aws:secretsmanager:us-east-1:123456789012:secret:"


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


def test_secret_with_generated_password_key_replicas_and_tags(cloud, cfn, sm, kms):
    body = """
Resources:
  AppKey:
    Type: AWS::KMS::Key
    Properties:
      Description: key for the app's secrets
      EnableKeyRotation: true
      PendingWindowInDays: 7
  AppKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/app-secrets
      TargetKeyId: !Ref AppKey
  AppSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: app/credentials
      Description: generated for the app
      KmsKeyId: !GetAtt AppKey.Arn
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app-user"}'
        GenerateStringKey: password
        PasswordLength: 30
        ExcludeCharacters: '"@/\\'
      ReplicaRegions:
        - Region: eu-west-1
      Tags:
        - Key: team
          Value: payments
Outputs:
  SecretRef:
    Value: !Ref AppSecret
  SecretId:
    Value: !GetAtt AppSecret.Id
  KeyRef:
    Value: !Ref AppKey
  KeyArn:
    Value: !GetAtt AppKey.Arn
  KeyIdAttr:
    Value: !GetAtt AppKey.KeyId
  AliasRef:
    Value: !Ref AppKeyAlias
"""
    cfn.create_stack(StackName="app", TemplateBody=body)
    assert status(cfn, "app") == "CREATE_COMPLETE"
    secret_arn = output(cfn, "app", "SecretRef")
    assert re.fullmatch(ARN + r"app/credentials-[A-Za-z0-9]{6}", secret_arn)
    assert output(cfn, "app", "SecretId") == secret_arn
    key_id = output(cfn, "app", "KeyRef")
    assert re.fullmatch(r"[0-9a-f-]{36}", key_id)
    assert output(cfn, "app", "KeyArn") == f"arn:aws:kms:us-east-1:123456789012:key/{key_id}"
    assert output(cfn, "app", "KeyIdAttr") == key_id
    assert output(cfn, "app", "AliasRef") == "alias/app-secrets"
    value = json.loads(sm.get_secret_value(SecretId="app/credentials")["SecretString"])
    assert value["username"] == "app-user" and len(value["password"]) == 30
    assert not set(value["password"]) & set('"@/\\')
    described = sm.describe_secret(SecretId="app/credentials")
    assert described["KmsKeyId"].endswith(key_id)
    assert described["Tags"] == [{"Key": "team", "Value": "payments"}]
    assert [r["Region"] for r in described["ReplicationStatus"]] == ["eu-west-1"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert kms.describe_key(KeyId="alias/app-secrets")["KeyMetadata"]["KeyId"] == key_id
    assert cloud.events.select(kind="call", service="secretsmanager", operation="GetRandomPassword")

    cfn.delete_stack(StackName="app")
    assert sm.store.by_name == {}
    key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert key["KeyState"] == "PendingDeletion" and key["PendingDeletionWindowInDays"] == 7
    assert "alias/app-secrets" not in kms.aliases


def test_generated_secret_names_and_an_empty_secret(cfn, sm):
    body = "Resources:\n  Blank:\n    Type: AWS::SecretsManager::Secret\n"
    cfn.create_stack(StackName="gen", TemplateBody=body)
    arn = physical_id(cfn, "gen", "Blank")
    name = sm.describe_secret(SecretId=arn)["Name"]
    assert re.fullmatch(r"Blank-[A-Z0-9]{12}", name)
    assert sm.describe_secret(SecretId=arn).get("VersionIdsToStages", {}) == {}


def test_secret_updates(cfn, sm):
    body = """
Parameters:
  Value:
    Type: String
    Default: first
  Team:
    Type: String
    Default: a
Resources:
  S:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: upd
      SecretString: !Ref Value
      Tags:
        - Key: team
          Value: !Ref Team
"""
    cfn.create_stack(StackName="u", TemplateBody=body)
    versions_before = len(sm.describe_secret(SecretId="upd")["VersionIdsToStages"])
    cfn.update_stack(StackName="u", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Team", "ParameterValue": "b"}, {"ParameterKey": "Value", "UsePreviousValue": True}])
    assert sm.describe_secret(SecretId="upd")["Tags"] == [{"Key": "team", "Value": "b"}]
    assert len(sm.describe_secret(SecretId="upd")["VersionIdsToStages"]) == versions_before  # tags alone: no new version
    cfn.update_stack(StackName="u", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Value", "ParameterValue": "second"}, {"ParameterKey": "Team", "UsePreviousValue": True}])
    assert sm.get_secret_value(SecretId="upd")["SecretString"] == "second"
    assert sm.get_secret_value(SecretId="upd", VersionStage="AWSPREVIOUS")["SecretString"] == "first"


def test_resource_policy_blocks_public_policies_by_default(cfn, sm, cloud):
    body = """
Parameters:
  Principal:
    Type: String
Resources:
  S:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: shared
  Policy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref S
      ResourcePolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Ref Principal
            Action: secretsmanager:GetSecretValue
            Resource: '*'
Outputs:
  PolicyRef:
    Value: !Ref Policy
"""
    role = lambda_role(cloud, "reader", policy=None)  # a policy can name only a role that exists
    cfn.create_stack(StackName="p", TemplateBody=body, Parameters=[{"ParameterKey": "Principal", "ParameterValue": role}])
    assert status(cfn, "p") == "CREATE_COMPLETE"
    assert output(cfn, "p", "PolicyRef") == physical_id(cfn, "p", "S")
    assert json.loads(sm.get_resource_policy(SecretId="shared")["ResourcePolicy"])["Statement"][0]["Principal"] == {"AWS": role}
    cfn.delete_stack(StackName="p")
    public = body.replace("            Principal:\n              AWS: !Ref Principal", "            Principal: '*'")
    public = public.replace("Parameters:\n  Principal:\n    Type: String\n", "")
    cfn.create_stack(StackName="q", TemplateBody=public)
    assert status(cfn, "q") == "ROLLBACK_COMPLETE"
    reason = next(r[2] for r in events(cfn, "q") if r[1] == "CREATE_FAILED")
    assert "BlockPublicPolicy" in reason and "(Service: SecretsManager, Status Code: 400" in reason
    assert sm.store.by_name == {}


def _database_setup(cloud):
    dbs = databases(cloud)
    db = dbs.create("postgres", "orders.db.example", "postgres", "master-pw-0")
    db.add_user("orders_app", "initial-pw-0", grants=("SELECT",))
    function_arn = rotation_functions.deploy(cloud, "rotate-orders", "postgres", "single-user")
    known = {"orders-db": {"engine": "postgres", "host": db.host, "port": db.port}}

    def lookup(target_type, target_id, region):
        return known.get(target_id) if target_type == "AWS::RDS::DBInstance" else None

    return db, function_arn, lookup


ROTATED = """
Parameters:
  RotationFunction:
    Type: String
Resources:
  OrdersSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: orders/db
      SecretString: '{"username": "orders_app", "password": "initial-pw-0"}'
  OrdersAttachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref OrdersSecret
      TargetId: orders-db
      TargetType: AWS::RDS::DBInstance
  OrdersRotation:
    Type: AWS::SecretsManager::RotationSchedule
    DependsOn: OrdersAttachment
    Properties:
      SecretId: !Ref OrdersSecret
      RotationLambdaARN: !Ref RotationFunction
      RotationRules:
        AutomaticallyAfterDays: 30
Outputs:
  AttachmentRef:
    Value: !Ref OrdersAttachment
  RotationRef:
    Value: !Ref OrdersRotation
"""


def test_attachment_and_rotation_schedule_rotate_the_database_password(cloud, sm):
    db, function_arn, lookup = _database_setup(cloud)
    cfn = make_cfn(cloud, databases=lookup)
    cfn.create_stack(StackName="orders", TemplateBody=ROTATED, Parameters=[{"ParameterKey": "RotationFunction", "ParameterValue": function_arn}])
    assert status(cfn, "orders") == "CREATE_COMPLETE"
    secret_arn = physical_id(cfn, "orders", "OrdersSecret")
    assert output(cfn, "orders", "AttachmentRef") == secret_arn == output(cfn, "orders", "RotationRef")
    cloud.clock.advance(seconds=5)  # the rotation's four steps run on the simulated clock
    value = json.loads(sm.get_secret_value(SecretId=secret_arn)["SecretString"])
    assert (value["engine"], value["host"], value["port"], value["dbInstanceIdentifier"]) == ("postgres", db.host, db.port, "orders-db")
    assert value["password"] != "initial-pw-0" and db.accepts("orders_app", value["password"])
    described = sm.describe_secret(SecretId=secret_arn)
    assert described["RotationEnabled"] is True and described["RotationRules"]["AutomaticallyAfterDays"] == 30

    cfn.delete_stack(StackName="orders")
    assert sm.store.by_name == {}


def test_attachment_to_an_unknown_database_fails_and_rolls_back(cloud, sm):
    _db, function_arn, lookup = _database_setup(cloud)
    cfn = make_cfn(cloud, databases=lookup)
    body = ROTATED.replace("TargetId: orders-db", "TargetId: elsewhere")
    cfn.create_stack(StackName="orders", TemplateBody=body, Parameters=[{"ParameterKey": "RotationFunction", "ParameterValue": function_arn}])
    assert status(cfn, "orders") == "ROLLBACK_COMPLETE"
    assert ("OrdersAttachment", "CREATE_FAILED", "DBInstance elsewhere not found.") in events(cfn, "orders")
    assert sm.store.by_name == {}


def test_rotation_with_a_function_that_is_not_there_fails(cloud, sm):
    _db, _function_arn, lookup = _database_setup(cloud)
    cfn = make_cfn(cloud, databases=lookup)
    missing = "arn:aws:lambda:us-east-1:123456789012:function:not-deployed"
    cfn.create_stack(StackName="orders", TemplateBody=ROTATED, Parameters=[{"ParameterKey": "RotationFunction", "ParameterValue": missing}])
    assert status(cfn, "orders") == "ROLLBACK_COMPLETE"
    reason = next(r[2] for r in events(cfn, "orders") if r[1] == "CREATE_FAILED")
    assert reason.startswith("Secrets Manager cannot invoke the specified Lambda function.")
    assert sm.store.by_name == {}


def test_hosted_rotation_without_the_transform_is_refused(cloud, cfn):
    body = """
Resources:
  S:
    Type: AWS::SecretsManager::Secret
  R:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref S
      HostedRotationLambda:
        RotationType: PostgreSQLSingleUser
      RotationRules:
        AutomaticallyAfterDays: 30
"""
    cfn.create_stack(StackName="h", TemplateBody=body)
    reason = next(r[2] for r in events(cfn, "h") if r[1] == "CREATE_FAILED")
    assert "Transform: AWS::SecretsManager-2024-09-16" in reason


def test_ssm_parameter_refs_attributes_and_string_lists(cfn, ssm):
    body = """
Resources:
  Named:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /shop/prod/endpoint
      Type: String
      Value: https://shop.example
      Description: where the shop lives
      Tags:
        env: prod
  Listed:
    Type: AWS::SSM::Parameter
    Properties:
      Type: StringList
      Value: a,b,c
Outputs:
  NamedRef:
    Value: !Ref Named
  NamedValue:
    Value: !GetAtt Named.Value
  NamedType:
    Value: !GetAtt Named.Type
  NamedArn:
    Value: !GetAtt Named.Arn
"""
    cfn.create_stack(StackName="shop", TemplateBody=body)
    assert output(cfn, "shop", "NamedRef") == "/shop/prod/endpoint"
    assert output(cfn, "shop", "NamedValue") == "https://shop.example"
    assert output(cfn, "shop", "NamedType") == "String"
    assert output(cfn, "shop", "NamedArn") == "arn:aws:ssm:us-east-1:123456789012:parameter/shop/prod/endpoint"
    listed = physical_id(cfn, "shop", "Listed")
    assert re.fullmatch(r"shop-Listed-[A-Z0-9]{12}", listed)
    assert ssm.get_parameter(Name=listed)["Parameter"]["Type"] == "StringList"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/shop/prod/endpoint")["TagList"]
    assert tags == [{"Key": "env", "Value": "prod"}]
    cfn.update_stack(StackName="shop", TemplateBody=body.replace("https://shop.example", "https://shop2.example"))
    parameter = ssm.get_parameter(Name="/shop/prod/endpoint")["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == ("https://shop2.example", 2)
    assert output(cfn, "shop", "NamedValue") == "https://shop2.example"


def test_kms_key_updates_in_place_and_fixed_properties_fail(cfn, kms):
    body = "Resources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: one\n      Tags:\n        - Key: a\n          Value: '1'\n"
    cfn.create_stack(StackName="k", TemplateBody=body)
    key_id = physical_id(cfn, "k", "K")
    cfn.update_stack(StackName="k", TemplateBody=body.replace("one", "two") + "      Enabled: false\n      EnableKeyRotation: true\n")
    assert physical_id(cfn, "k", "K") == key_id
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["Description"], meta["KeyState"]) == ("two", "Disabled")
    cfn.update_stack(StackName="k", TemplateBody=body.replace("one", "two") + "      KeySpec: RSA_2048\n")
    assert status(cfn, "k") == "UPDATE_ROLLBACK_COMPLETE"
    assert physical_id(cfn, "k", "K") == key_id
    reason = next(r[2] for r in events(cfn, "k") if r[1] == "UPDATE_FAILED")
    assert reason.startswith("KeySpec of an existing KMS key cannot be changed")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"  # rolled back to the last good state


def test_kms_alias_retargets_in_place(cfn, kms):
    body = """
Parameters:
  Target:
    Type: String
    AllowedValues: [First, Second]
Conditions:
  UseFirst: !Equals [!Ref Target, First]
Resources:
  First:
    Type: AWS::KMS::Key
  Second:
    Type: AWS::KMS::Key
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/current
      TargetKeyId: !If [UseFirst, !Ref First, !Ref Second]
"""
    cfn.create_stack(StackName="a", TemplateBody=body, Parameters=[{"ParameterKey": "Target", "ParameterValue": "First"}])
    assert kms.describe_key(KeyId="alias/current")["KeyMetadata"]["KeyId"] == physical_id(cfn, "a", "First")
    cfn.update_stack(StackName="a", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Target", "ParameterValue": "Second"}])
    assert kms.describe_key(KeyId="alias/current")["KeyMetadata"]["KeyId"] == physical_id(cfn, "a", "Second")
    assert cloud_calls(kms, "UpdateAlias") == 1


def cloud_calls(service, operation):
    return len(service.env.events.select(kind="call", operation=operation))


def test_network_resources_are_inert_with_aws_shaped_ids(cfn):
    body = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
      AvailabilityZone: !Select [0, !GetAZs '']
  DbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: database access
      VpcId: !Ref Vpc
  SubnetGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: db subnets
      SubnetIds: [!Ref SubnetA]
Outputs:
  Vpc:
    Value: !Ref Vpc
  DefaultGroup:
    Value: !GetAtt Vpc.DefaultSecurityGroup
  SubnetZone:
    Value: !GetAtt SubnetA.AvailabilityZone
  SubnetCidr:
    Value: !GetAtt SubnetA.CidrBlock
  Group:
    Value: !GetAtt DbGroup.GroupId
  GroupVpc:
    Value: !GetAtt DbGroup.VpcId
"""
    cfn.create_stack(StackName="net", TemplateBody=body)
    assert status(cfn, "net") == "CREATE_COMPLETE"
    vpc = output(cfn, "net", "Vpc")
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", vpc)
    assert re.fullmatch(r"sg-[0-9a-f]{17}", output(cfn, "net", "DefaultGroup"))
    assert output(cfn, "net", "SubnetZone") == "us-east-1a"
    assert output(cfn, "net", "SubnetCidr") == "10.1.0.0/24"
    assert re.fullmatch(r"sg-[0-9a-f]{17}", output(cfn, "net", "Group"))
    assert output(cfn, "net", "GroupVpc") == vpc
    assert physical_id(cfn, "net", "SubnetGroup") == physical_id(cfn, "net", "SubnetGroup").lower()


def test_a_failed_kms_key_stack_schedules_the_key_for_deletion(cfn, kms):
    body = (
        "Resources:\n  K:\n    Type: AWS::KMS::Key\n  P:\n    Type: AWS::SSM::Parameter\n    DependsOn: K\n"
        "    Properties:\n      Type: String\n      Value: x\n      AllowedPattern: '^[0-9]+$'\n"
    )
    cfn.create_stack(StackName="kf", TemplateBody=body)
    assert status(cfn, "kf") == "ROLLBACK_COMPLETE"
    (key,) = [k for k in kms.keys.values() if k.manager == "CUSTOMER"]
    assert key.state == "PendingDeletion"  # as on AWS: a KMS key is never deleted at once
