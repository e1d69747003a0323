"""Outputs, exports and Fn::ImportValue across the stacks of one account and region;
conditions and mappings deciding what a stack holds."""

from __future__ import annotations

import pytest

from _cfn_support import error_of, events, make_cfn, output, physical_id, status

NETWORK = """
Parameters:
  Suffix:
    Type: String
    Default: a
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub shared key ${Suffix}
Outputs:
  KeyArn:
    Description: the shared key
    Value: !GetAtt Key.Arn
    Export:
      Name: !Sub ${AWS::StackName}-KeyArn
"""

CONSUMER = """
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: consumer/secret
      KmsKeyId: !ImportValue shared-KeyArn
"""


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


def test_an_export_is_listed_and_imported(cfn, sm):
    cfn.create_stack(StackName="shared", TemplateBody=NETWORK)
    key_arn = output(cfn, "shared", "KeyArn")
    (export,) = cfn.list_exports()["Exports"]
    assert export["Name"] == "shared-KeyArn" and export["Value"] == key_arn
    assert export["ExportingStackId"] == cfn.describe_stacks(StackName="shared")["Stacks"][0]["StackId"]
    outputs = cfn.describe_stacks(StackName="shared")["Stacks"][0]["Outputs"]
    assert outputs == [{"OutputKey": "KeyArn", "OutputValue": key_arn, "Description": "the shared key", "ExportName": "shared-KeyArn"}]
    cfn.create_stack(StackName="consumer", TemplateBody=CONSUMER)
    assert status(cfn, "consumer") == "CREATE_COMPLETE"
    assert sm.describe_secret(SecretId="consumer/secret")["KmsKeyId"] == key_arn


def test_a_missing_export_fails_the_call(cfn, sm):
    assert error_of(lambda: cfn.create_stack(StackName="consumer", TemplateBody=CONSUMER)) == (
        "ValidationError", "No export named shared-KeyArn found."
    )
    assert cfn.describe_stacks()["Stacks"] == [] and sm.store.by_name == {}


def test_an_imported_export_cannot_be_changed_or_removed(cfn):
    cfn.create_stack(StackName="shared", TemplateBody=NETWORK)
    cfn.create_stack(StackName="consumer", TemplateBody=CONSUMER)
    without = NETWORK.split("Outputs:")[0]
    cfn.update_stack(StackName="shared", TemplateBody=without)
    assert status(cfn, "shared") == "UPDATE_ROLLBACK_COMPLETE"
    reason = "Export shared-KeyArn cannot be deleted as it is in use by consumer"
    assert ("shared", "UPDATE_ROLLBACK_IN_PROGRESS", reason) in events(cfn, "shared")
    assert cfn.list_exports()["Exports"][0]["Name"] == "shared-KeyArn"


def test_a_stack_whose_export_is_imported_cannot_be_deleted(cfn, kms):
    cfn.create_stack(StackName="shared", TemplateBody=NETWORK)
    cfn.create_stack(StackName="consumer", TemplateBody=CONSUMER)
    cfn.delete_stack(StackName="shared")
    assert status(cfn, "shared") == "DELETE_FAILED"
    assert cfn.describe_stacks(StackName="shared")["Stacks"][0]["StackStatusReason"] == (
        "Export shared-KeyArn cannot be deleted as it is in use by consumer"
    )
    key_id = physical_id(cfn, "shared", "Key")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    cfn.delete_stack(StackName="consumer")
    cfn.delete_stack(StackName="shared")
    assert cfn.describe_stacks()["Stacks"] == [] and cfn.list_exports()["Exports"] == []
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_export_names_are_unique_per_region(cfn, cloud):
    cfn.create_stack(StackName="shared", TemplateBody=NETWORK)
    clash = NETWORK.replace("${AWS::StackName}-KeyArn", "shared-KeyArn")
    cfn.create_stack(StackName="other", TemplateBody=clash)
    assert status(cfn, "other") == "ROLLBACK_COMPLETE"
    reason = "Export with name shared-KeyArn is already exported by stack shared. Rollback requested by user."
    assert ("other", "ROLLBACK_IN_PROGRESS", reason) in events(cfn, "other")
    elsewhere = make_cfn(cloud, "eu-west-1")
    elsewhere.create_stack(StackName="other", TemplateBody=clash)
    assert status(elsewhere, "other") == "CREATE_COMPLETE"  # another region has its own export names


CONDITIONAL = """
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
Mappings:
  Settings:
    dev:
      Window: 7
    prod:
      Window: 30
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      PendingWindowInDays: !FindInMap [Settings, !Ref Env, Window]
  ProdOnly:
    Type: AWS::SSM::Parameter
    Condition: IsProd
    Properties:
      Name: /app/prod-flag
      Type: String
      Value: on
  Always:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/window
      Type: String
      Value: !FindInMap [Settings, !Ref Env, Window]
      Description: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue]
Outputs:
  Flag:
    Condition: IsProd
    Value: !Ref ProdOnly
"""


def test_conditions_decide_which_resources_exist(cfn, ssm):
    cfn.create_stack(StackName="c", TemplateBody=CONDITIONAL, Parameters=[{"ParameterKey": "Env", "ParameterValue": "dev"}])
    assert [r["LogicalResourceId"] for r in cfn.list_stack_resources(StackName="c")["StackResourceSummaries"]] == ["Key", "Always"]
    assert "Outputs" not in cfn.describe_stacks(StackName="c")["Stacks"][0]
    parameter = ssm.get_parameter(Name="/app/window")["Parameter"]
    assert parameter["Value"] == "7"
    assert "Description" not in ssm.describe_parameters()["Parameters"][0]
    cfn.update_stack(StackName="c", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}])
    assert status(cfn, "c") == "UPDATE_COMPLETE"
    assert output(cfn, "c", "Flag") == "/app/prod-flag"
    assert ssm.get_parameter(Name="/app/window")["Parameter"]["Value"] == "30"
    cfn.update_stack(StackName="c", UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Env", "ParameterValue": "dev"}])
    assert error_of(lambda: ssm.get_parameter(Name="/app/prod-flag"))[0] == "ParameterNotFound"


def test_a_ref_to_a_resource_whose_condition_is_false(cfn, ssm):
    body = CONDITIONAL.replace("Description: !If [IsProd, !Ref ProdOnly, !Ref AWS::NoValue]", "Description: !Ref ProdOnly")
    code, message = error_of(
        lambda: cfn.create_stack(StackName="c", TemplateBody=body, Parameters=[{"ParameterKey": "Env", "ParameterValue": "dev"}])
    )
    assert (code, message) == (
        "ValidationError", "Template format error: Unresolved resource dependencies [ProdOnly] in the Resources block of the template"
    )
    assert cfn.describe_stacks()["Stacks"] == []


def test_errors_found_by_the_dry_run_change_nothing(cfn, kms, ssm):
    body = CONDITIONAL.replace("!FindInMap [Settings, !Ref Env, Window]\n      Description", "!FindInMap [Settings, !Ref Env, Size]\n      Description")
    code, message = error_of(
        lambda: cfn.create_stack(StackName="c", TemplateBody=body, Parameters=[{"ParameterKey": "Env", "ParameterValue": "dev"}])
    )
    assert (code, message) == ("ValidationError", "Template error: Unable to get mapping for Settings::dev::Size")
    assert [k for k in kms.keys.values() if k.manager == "CUSTOMER"] == []
    assert ssm.describe_parameters()["Parameters"] == []


def test_pseudo_parameters(cfn, ssm):
    body = """
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /pseudo
      Type: String
      Value: !Join ['|', [!Ref AWS::AccountId, !Ref AWS::Region, !Ref AWS::StackName, !Ref AWS::Partition, !Ref AWS::URLSuffix]]
      Description: !Ref AWS::StackId
"""
    stack_id = cfn.create_stack(StackName="ps", TemplateBody=body)["StackId"]
    assert ssm.get_parameter(Name="/pseudo")["Parameter"]["Value"] == "123456789012|us-east-1|ps|aws|amazonaws.com"
    assert ssm.describe_parameters()["Parameters"][0]["Description"] == stack_id
