"""The stack life cycle: create, describe, update, delete, failures and rollbacks, with
AWS's statuses and events, and the Cloud left exactly as it was after a failed call."""

from __future__ import annotations

import botocore.session
import pytest

from _cfn_support import error_of, events, make_cfn, output, physical_id, status
from _shapes import check_shape

APP = """
AWSTemplateFormatVersion: '2010-09-09'
Description: An app's database secret and its settings
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub ${Env}/app/db
      Description: database credentials
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app"}'
        GenerateStringKey: password
        PasswordLength: 24
  DbHost:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /${Env}/app/db-host
      Type: String
      Value: db.internal
Outputs:
  SecretArn:
    Value: !Ref DbSecret
  HostName:
    Value: !Ref DbHost
"""

# The secret is made first, then a parameter whose Value is not a string the type allows:
# provisioning fails half way.
HALF_WAY = """
Resources:
  First:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: half/way
      SecretString: s3cret
  Second:
    Type: AWS::SSM::Parameter
    DependsOn: First
    Properties:
      Name: /half/way
      Type: String
      Value: x
      AllowedPattern: '^[0-9]+$'
"""


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


def _shape(operation):
    return botocore.session.get_session().get_service_model("cloudformation").operation_model(operation).output_shape


def test_create_makes_the_resources_and_reports_complete(cfn, sm, ssm):
    stack_id = cfn.create_stack(StackName="app", TemplateBody=APP)["StackId"]
    assert stack_id.startswith("arn:aws:cloudformation:us-east-1:123456789012:stack/app/")
    assert status(cfn, "app") == "CREATE_COMPLETE"
    secret_arn = output(cfn, "app", "SecretArn")
    assert sm.describe_secret(SecretId="dev/app/db")["ARN"] == secret_arn == physical_id(cfn, "app", "DbSecret")
    assert ssm.get_parameter(Name="/dev/app/db-host")["Parameter"]["Value"] == "db.internal"
    assert output(cfn, "app", "HostName") == "/dev/app/db-host"
    assert events(cfn, "app")[0] == ("app", "CREATE_IN_PROGRESS", "User Initiated")
    assert events(cfn, "app")[-1] == ("app", "CREATE_COMPLETE", None)
    assert ("DbSecret", "CREATE_IN_PROGRESS", "Resource creation Initiated") in events(cfn, "app")


def test_responses_have_botocores_shapes(cfn):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    for operation, call in [
        ("DescribeStacks", lambda: cfn.describe_stacks(StackName="app")),
        ("DescribeStackEvents", lambda: cfn.describe_stack_events(StackName="app")),
        ("DescribeStackResource", lambda: cfn.describe_stack_resource(StackName="app", LogicalResourceId="DbHost")),
        ("DescribeStackResources", lambda: cfn.describe_stack_resources(StackName="app")),
        ("ListStackResources", lambda: cfn.list_stack_resources(StackName="app")),
        ("ListStacks", lambda: cfn.list_stacks()),
        ("GetTemplate", lambda: cfn.get_template(StackName="app")),
        ("ValidateTemplate", lambda: cfn.validate_template(TemplateBody=APP)),
        ("ListExports", lambda: cfn.list_exports()),
    ]:
        check_shape(call(), _shape(operation), operation)


def test_reused_stack_name(cfn):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    assert error_of(lambda: cfn.create_stack(StackName="app", TemplateBody=APP)) == (
        "AlreadyExistsException", "Stack [app] already exists"
    )


def test_describing_a_missing_stack(cfn):
    assert error_of(lambda: cfn.describe_stacks(StackName="nope")) == ("ValidationError", "Stack with id nope does not exist")


def test_bad_stack_name_and_parameters_change_nothing(cfn, sm):
    code, _ = error_of(lambda: cfn.create_stack(StackName="1app", TemplateBody=APP))
    assert code == "ValidationError"
    assert error_of(
        lambda: cfn.create_stack(StackName="app", TemplateBody=APP, Parameters=[{"ParameterKey": "Env", "ParameterValue": "qa"}])
    ) == ("ValidationError", "Parameter 'Env' must be one of AllowedValues")
    assert cfn.describe_stacks()["Stacks"] == [] and sm.list_secrets()["SecretList"] == []


def test_a_resource_failing_half_way_rolls_back_and_leaves_nothing(cfn, sm, ssm):
    cfn.create_stack(StackName="hw", TemplateBody=HALF_WAY)
    assert status(cfn, "hw") == "ROLLBACK_COMPLETE"
    rows = events(cfn, "hw")
    failed = [r for r in rows if r[1] == "CREATE_FAILED"]
    assert [r[0] for r in failed] == ["Second"]
    assert "Parameter value, cannot be validated against allowedPattern" in failed[0][2]
    assert ("hw", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Second]. Rollback requested by user.") in rows
    assert ("First", "DELETE_COMPLETE", None) in rows
    assert sm.list_secrets()["SecretList"] == []
    assert sm.store.by_name == {}
    assert error_of(lambda: ssm.get_parameter(Name="/half/way"))[0] == "ParameterNotFound"
    code, message = error_of(lambda: cfn.update_stack(StackName="hw", TemplateBody=HALF_WAY))
    assert message.endswith("is in ROLLBACK_COMPLETE state and can not be updated.")
    cfn.delete_stack(StackName="hw")
    assert cfn.describe_stacks()["Stacks"] == []


def test_do_nothing_keeps_what_was_made(cfn, sm):
    cfn.create_stack(StackName="hw", TemplateBody=HALF_WAY, OnFailure="DO_NOTHING")
    assert status(cfn, "hw") == "CREATE_FAILED"
    assert sm.describe_secret(SecretId="half/way")["Name"] == "half/way"
    assert cfn.describe_stacks(StackName="hw")["Stacks"][0]["DisableRollback"] is True


def test_on_failure_delete_removes_the_stack_too(cfn, sm):
    stack_id = cfn.create_stack(StackName="hw", TemplateBody=HALF_WAY, OnFailure="DELETE")["StackId"]
    assert error_of(lambda: cfn.describe_stacks(StackName="hw"))[0] == "ValidationError"
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    assert sm.list_secrets()["SecretList"] == []


def test_properties_breaking_the_schema_fail_the_resource(cfn, sm):
    body = APP.replace("      Type: String\n      Value: db.internal", "      Type: SecureString\n      Value: db.internal")
    cfn.create_stack(StackName="app", TemplateBody=body)
    assert status(cfn, "app") == "ROLLBACK_COMPLETE"
    reason = next(r[2] for r in events(cfn, "app") if r[1] == "CREATE_FAILED")
    assert reason.startswith("Properties validation failed for resource DbHost with message:")
    assert sm.list_secrets()["SecretList"] == []


def test_update_with_no_changes(cfn):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    assert error_of(lambda: cfn.update_stack(StackName="app", TemplateBody=APP)) == ("ValidationError", "No updates are to be performed.")
    assert error_of(lambda: cfn.update_stack(StackName="app", UsePreviousTemplate=True)) == (
        "ValidationError", "No updates are to be performed."
    )


def test_update_in_place_keeps_the_physical_resource(cfn, sm):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    before = physical_id(cfn, "app", "DbSecret")
    value = sm.get_secret_value(SecretId=before)["SecretString"]
    cfn.update_stack(StackName="app", TemplateBody=APP.replace("database credentials", "the app's database login"))
    assert status(cfn, "app") == "UPDATE_COMPLETE"
    assert physical_id(cfn, "app", "DbSecret") == before
    assert sm.describe_secret(SecretId=before)["Description"] == "the app's database login"
    assert sm.get_secret_value(SecretId=before)["SecretString"] == value  # the value is untouched
    rows = events(cfn, "app")
    assert ("DbSecret", "UPDATE_COMPLETE", None) in rows and ("DbHost", "UPDATE_IN_PROGRESS", None) not in rows


def test_changing_a_create_only_property_replaces(cfn, sm, ssm):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    old = physical_id(cfn, "app", "DbSecret")
    cfn.update_stack(StackName="app", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}])
    assert status(cfn, "app") == "UPDATE_COMPLETE"
    new = physical_id(cfn, "app", "DbSecret")
    assert new != old and sm.describe_secret(SecretId=new)["Name"] == "prod/app/db"
    assert error_of(lambda: sm.describe_secret(SecretId=old))[0] == "ResourceNotFoundException"
    assert error_of(lambda: ssm.get_parameter(Name="/dev/app/db-host"))[0] == "ParameterNotFound"
    rows = events(cfn, "app")
    replacing = "Requested update requires the creation of a new physical resource; hence creating one."
    assert ("DbSecret", "UPDATE_IN_PROGRESS", replacing) in rows
    cleanup = rows.index(("app", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None))
    assert rows.index(("DbSecret", "DELETE_COMPLETE", None)) > cleanup


def test_custom_named_resource_cannot_be_replaced_under_the_same_name(cfn):
    body = """
Parameters:
  Text:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: app-db
      GroupDescription: !Ref Text
      VpcId: !Ref Vpc
"""
    cfn.create_stack(StackName="net", TemplateBody=body, Parameters=[{"ParameterKey": "Text", "ParameterValue": "one"}])
    group = physical_id(cfn, "net", "Group")
    cfn.update_stack(StackName="net", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Text", "ParameterValue": "two"}])
    assert status(cfn, "net") == "UPDATE_ROLLBACK_COMPLETE"
    reason = next(r[2] for r in events(cfn, "net") if r[1] == "UPDATE_FAILED")
    assert reason == (
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        "Rename Group and update the stack again."
    )
    assert physical_id(cfn, "net", "Group") == group
    renamed = body.replace("GroupName: app-db", "GroupName: app-db-2")
    cfn.update_stack(StackName="net", TemplateBody=renamed, Parameters=[{"ParameterKey": "Text", "ParameterValue": "two"}])
    assert status(cfn, "net") == "UPDATE_COMPLETE" and physical_id(cfn, "net", "Group") != group


def test_deletion_policy_retain_keeps_the_secret(cfn, sm):
    body = APP.replace("    Type: AWS::SecretsManager::Secret\n", "    Type: AWS::SecretsManager::Secret\n    DeletionPolicy: Retain\n")
    cfn.create_stack(StackName="app", TemplateBody=body)
    arn = physical_id(cfn, "app", "DbSecret")
    cfn.delete_stack(StackName="app")
    stack_id = cfn.list_stacks()["StackSummaries"][0]["StackId"]
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    assert sm.describe_secret(SecretId=arn)["Name"] == "dev/app/db"
    assert ("DbSecret", "DELETE_SKIPPED", None) in events(cfn, stack_id)


def test_update_replace_policy_retain_keeps_the_old_one(cfn, sm):
    body = APP.replace("    Type: AWS::SecretsManager::Secret\n", "    Type: AWS::SecretsManager::Secret\n    UpdateReplacePolicy: Retain\n")
    cfn.create_stack(StackName="app", TemplateBody=body)
    old = physical_id(cfn, "app", "DbSecret")
    cfn.update_stack(StackName="app", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}])
    assert sm.describe_secret(SecretId=old)["Name"] == "dev/app/db"
    assert physical_id(cfn, "app", "DbSecret") != old


def test_removed_resources_are_deleted_on_update(cfn, ssm):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    trimmed = APP.split("  DbHost:")[0] + "Outputs:\n  SecretArn:\n    Value: !Ref DbSecret\n"
    cfn.update_stack(StackName="app", TemplateBody=trimmed)
    assert status(cfn, "app") == "UPDATE_COMPLETE"
    assert error_of(lambda: ssm.get_parameter(Name="/dev/app/db-host"))[0] == "ParameterNotFound"
    assert [r["LogicalResourceId"] for r in cfn.list_stack_resources(StackName="app")["StackResourceSummaries"]] == ["DbSecret"]


def test_a_failed_update_rolls_back_to_the_old_state(cfn, sm, ssm):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    arn = physical_id(cfn, "app", "DbSecret")
    broken = APP.replace("database credentials", "changed").replace(
        "      Value: db.internal", "      Value: db.internal\n      AllowedPattern: '^[0-9]+$'"
    )
    cfn.update_stack(StackName="app", TemplateBody=broken)
    assert status(cfn, "app") == "UPDATE_ROLLBACK_COMPLETE"
    rows = events(cfn, "app")
    assert ("app", "UPDATE_ROLLBACK_IN_PROGRESS", "The following resource(s) failed to update: [DbHost]. ") in rows
    assert sm.describe_secret(SecretId=arn)["Description"] == "database credentials"
    assert ssm.get_parameter(Name="/dev/app/db-host")["Parameter"]["Value"] == "db.internal"
    assert cfn.get_template(StackName="app")["TemplateBody"] == APP
    # The stack can be updated again after an update rollback.
    cfn.update_stack(StackName="app", TemplateBody=APP.replace("database credentials", "fixed"))
    assert status(cfn, "app") == "UPDATE_COMPLETE"


def test_update_with_disable_rollback_stops_at_update_failed(cfn, sm):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    broken = APP.replace("database credentials", "changed").replace(
        "      Value: db.internal", "      Value: db.internal\n      AllowedPattern: '^[0-9]+$'"
    )
    cfn.update_stack(StackName="app", TemplateBody=broken, DisableRollback=True)
    assert status(cfn, "app") == "UPDATE_FAILED"
    assert sm.describe_secret(SecretId="dev/app/db")["Description"] == "changed"


def test_changing_a_resource_type_is_refused(cfn):
    cfn.create_stack(StackName="app", TemplateBody=APP)
    body = APP.replace("    Type: AWS::SSM::Parameter\n    Properties:\n      Name: !Sub /${Env}/app/db-host\n      Type: String\n      Value: db.internal",
                       "    Type: AWS::KMS::Key\n    Properties:\n      Description: now a key")
    body = body.replace("  HostName:\n    Value: !Ref DbHost\n", "")
    code, message = error_of(lambda: cfn.update_stack(StackName="app", TemplateBody=body))
    assert code == "ValidationError" and message.endswith("following resources: [DbHost]")


def test_delete_removes_everything_and_keeps_the_record_by_id(cfn, sm, ssm):
    stack_id = cfn.create_stack(StackName="app", TemplateBody=APP)["StackId"]
    cfn.delete_stack(StackName="app")
    assert sm.store.by_name == {}
    assert error_of(lambda: ssm.get_parameter(Name="/dev/app/db-host"))[0] == "ParameterNotFound"
    assert error_of(lambda: cfn.describe_stacks(StackName="app")) == ("ValidationError", "Stack with id app does not exist")
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    summaries = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert [s["StackId"] for s in summaries] == [stack_id]
    assert events(cfn, stack_id)[-1] == ("app", "DELETE_COMPLETE", None)
    cfn.delete_stack(StackName="app")  # deleting again is not an error
    cfn.create_stack(StackName="app", TemplateBody=APP)  # and the name is free again
    assert status(cfn, "app") == "CREATE_COMPLETE"


def test_termination_protection(cfn):
    cfn.create_stack(StackName="app", TemplateBody=APP, EnableTerminationProtection=True)
    assert error_of(lambda: cfn.delete_stack(StackName="app")) == (
        "ValidationError", "Stack [app] cannot be deleted while TerminationProtection is enabled"
    )
    cfn.update_termination_protection(StackName="app", EnableTerminationProtection=False)
    cfn.delete_stack(StackName="app")
    assert cfn.describe_stacks()["Stacks"] == []


def test_capabilities_are_required_for_iam_resources(cfn):
    body = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: app\n      AssumeRolePolicyDocument: {}\n"
    assert error_of(lambda: cfn.create_stack(StackName="s", TemplateBody=body)) == (
        "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_NAMED_IAM]"
    )
    out = cfn.validate_template(TemplateBody=body)
    assert out["Capabilities"] == ["CAPABILITY_NAMED_IAM"] and "Role" in out["CapabilitiesReason"]


def test_dependency_order_create_and_reverse_delete(cfn):
    body = """
Resources:
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/app
      TargetKeyId: !Ref Key
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      KmsKeyId: !GetAtt Key.Arn
  Key:
    Type: AWS::KMS::Key
"""
    stack_id = cfn.create_stack(StackName="ord", TemplateBody=body)["StackId"]
    made = [lid for lid, st, _ in events(cfn, "ord") if st == "CREATE_COMPLETE" and lid != "ord"]
    assert made.index("Key") < made.index("Alias") and made.index("Key") < made.index("Secret")
    cfn.delete_stack(StackName="ord")
    gone = [lid for lid, st, _ in events(cfn, stack_id) if st == "DELETE_COMPLETE" and lid != "ord"]
    assert gone.index("Key") > gone.index("Alias") and gone.index("Key") > gone.index("Secret")


def test_events_timestamps_follow_the_simulated_clock(cfn, cloud):
    cloud.clock.advance(days=3)
    cfn.create_stack(StackName="app", TemplateBody=APP)
    stamps = {e["Timestamp"] for e in cfn.describe_stack_events(StackName="app")["StackEvents"]}
    assert stamps == {cloud.clock.now}
    assert cfn.describe_stacks(StackName="app")["Stacks"][0]["CreationTime"] == cloud.clock.now


def test_retain_except_on_create(cfn, sm):
    body = HALF_WAY.replace("    Type: AWS::SecretsManager::Secret\n", "    Type: AWS::SecretsManager::Secret\n    DeletionPolicy: RetainExceptOnCreate\n")
    cfn.create_stack(StackName="hw", TemplateBody=body)
    assert status(cfn, "hw") == "ROLLBACK_COMPLETE"
    assert sm.store.by_name == {}  # rolled back by the operation that made it: deleted
    fixed = body.replace("      AllowedPattern: '^[0-9]+$'\n", "")
    stack_id = cfn.create_stack(StackName="ok", TemplateBody=fixed)["StackId"]
    cfn.delete_stack(StackName="ok")
    assert sm.describe_secret(SecretId="half/way")["Name"] == "half/way"  # kept on stack deletion
    assert ("First", "DELETE_SKIPPED", None) in events(cfn, stack_id)


def test_region_outages_while_deploying_and_describing(cloud, cfn, sm):
    body = """
Resources:
  Local:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: local/one
  Replicated:
    Type: AWS::SecretsManager::Secret
    DependsOn: Local
    Properties:
      Name: replicated/one
      ReplicaRegions:
        - Region: eu-west-1
"""
    cloud.outage("eu-west-1")
    cfn.create_stack(StackName="out", TemplateBody=body)
    cloud.recover("eu-west-1")
    # Replication to a region that is down waits for it, as Secrets Manager does: the stack completes.
    assert status(cfn, "out") == "CREATE_COMPLETE"
    cloud.outage("us-east-1")
    with pytest.raises(Exception) as info:
        cfn.describe_stacks(StackName="out")
    assert "Could not connect to the endpoint URL" in str(info.value)
