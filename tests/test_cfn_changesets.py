"""Change sets: the proposed changes listed exactly, executed later, or refused."""

from __future__ import annotations

import botocore.session
import pytest

from _cfn_support import error_of, events, make_cfn, physical_id, status
from _shapes import check_shape

BASE = """
Parameters:
  Env:
    Type: String
    Default: dev
  Size:
    Type: String
    Default: small
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub ${Env}/svc
      Description: svc credentials
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref Size
  Pointer:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref Secret
"""


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


def _changes(cfn, name, stack="svc"):
    out = cfn.describe_change_set(ChangeSetName=name, StackName=stack)
    return {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in out["Changes"]}


def test_a_create_change_set_makes_a_stack_in_review(cfn, sm):
    out = cfn.create_change_set(StackName="svc", ChangeSetName="first", TemplateBody=BASE, ChangeSetType="CREATE")
    assert out["Id"].startswith("arn:aws:cloudformation:us-east-1:123456789012:changeSet/first/")
    assert status(cfn, "svc") == "REVIEW_IN_PROGRESS"
    assert sm.list_secrets()["SecretList"] == []
    changes = _changes(cfn, "first")
    assert {lid: c["Action"] for lid, c in changes.items()} == {"Secret": "Add", "Setting": "Add", "Pointer": "Add"}
    described = cfn.describe_change_set(ChangeSetName=out["Id"])
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    shape = botocore.session.get_session().get_service_model("cloudformation").operation_model("DescribeChangeSet").output_shape
    check_shape(described, shape)
    cfn.execute_change_set(ChangeSetName="first", StackName="svc")
    assert status(cfn, "svc") == "CREATE_COMPLETE"
    assert cfn.describe_change_set(ChangeSetName=out["Id"])["ExecutionStatus"] == "EXECUTE_COMPLETE"
    assert sm.describe_secret(SecretId="dev/svc")["Description"] == "svc credentials"


def test_an_update_change_set_lists_exactly_what_changes(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    body = BASE.replace("svc credentials", "service credentials") + "  Extra:\n    Type: AWS::KMS::Key\n"
    cfn.create_change_set(
        StackName="svc", ChangeSetName="two", TemplateBody=body,
        Parameters=[{"ParameterKey": "Env", "UsePreviousValue": True}, {"ParameterKey": "Size", "ParameterValue": "large"}],
    )
    changes = _changes(cfn, "two")
    assert set(changes) == {"Secret", "Setting", "Extra"}
    assert changes["Extra"]["Action"] == "Add"
    secret = changes["Secret"]
    assert (secret["Action"], secret["Replacement"], secret["Scope"]) == ("Modify", "False", ["Properties"])
    assert secret["Details"] == [
        {
            "Target": {"Attribute": "Properties", "Name": "Description", "RequiresRecreation": "Never"},
            "Evaluation": "Static",
            "ChangeSource": "DirectModification",
        }
    ]
    setting = changes["Setting"]["Details"][0]
    assert (setting["ChangeSource"], setting["CausingEntity"]) == ("ParameterReference", "Size")
    assert changes["Secret"]["PhysicalResourceId"] == physical_id(cfn, "svc", "Secret")


def test_a_replacement_and_the_resources_that_depend_on_it(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    cfn.create_change_set(StackName="svc", ChangeSetName="rename", UsePreviousTemplate=True,
                          Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Size", "UsePreviousValue": True}])
    changes = _changes(cfn, "rename")
    assert set(changes) == {"Secret", "Pointer"}
    assert changes["Secret"]["Replacement"] == "True"
    assert changes["Secret"]["Details"][0]["Target"]["RequiresRecreation"] == "Always"
    pointer = changes["Pointer"]
    assert pointer["Replacement"] == "False"
    assert pointer["Details"][0]["Evaluation"] == "Dynamic"
    assert pointer["Details"][0]["ChangeSource"] == "ResourceReference"


def test_removed_resources_are_listed(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    cfn.create_change_set(StackName="svc", ChangeSetName="trim", TemplateBody=BASE.split("  Pointer:")[0])
    changes = _changes(cfn, "trim")
    assert {lid: c["Action"] for lid, c in changes.items()} == {"Pointer": "Remove"}


def test_a_change_set_without_changes_fails(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    cfn.create_change_set(StackName="svc", ChangeSetName="same", UsePreviousTemplate=True)
    out = cfn.describe_change_set(ChangeSetName="same", StackName="svc")
    assert out["Status"] == "FAILED"
    assert out["StatusReason"] == (
        "The submitted information didn't contain changes. Submit different information to create a change set."
    )
    assert out["ExecutionStatus"] == "UNAVAILABLE"
    code, message = error_of(lambda: cfn.execute_change_set(ChangeSetName="same", StackName="svc"))
    assert code == "InvalidChangeSetStatus" and message.endswith("cannot be executed in its current status of [UNAVAILABLE]")


def test_executing_runs_the_update_and_obsoletes_the_others(cfn, sm):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    a = BASE.replace("svc credentials", "A")
    b = BASE.replace("svc credentials", "B")
    cfn.create_change_set(StackName="svc", ChangeSetName="a", TemplateBody=a)
    cfn.create_change_set(StackName="svc", ChangeSetName="b", TemplateBody=b)
    assert cfn.describe_stacks(StackName="svc")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"  # nothing ran yet
    cfn.execute_change_set(ChangeSetName="a", StackName="svc")
    assert status(cfn, "svc") == "UPDATE_COMPLETE"
    assert sm.describe_secret(SecretId="dev/svc")["Description"] == "A"
    assert cfn.describe_change_set(ChangeSetName="b", StackName="svc")["ExecutionStatus"] == "OBSOLETE"
    code, _ = error_of(lambda: cfn.execute_change_set(ChangeSetName="b", StackName="svc"))
    assert code == "InvalidChangeSetStatus"
    assert cfn.get_template(StackName="svc")["TemplateBody"] == a


def test_a_stack_updated_since_makes_a_change_set_obsolete(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    cfn.create_change_set(StackName="svc", ChangeSetName="late", TemplateBody=BASE.replace("svc credentials", "late"))
    cfn.update_stack(StackName="svc", TemplateBody=BASE.replace("svc credentials", "direct"))
    code, message = error_of(lambda: cfn.execute_change_set(ChangeSetName="late", StackName="svc"))
    assert code == "InvalidChangeSetStatus" and "[OBSOLETE]" in message


def test_missing_and_deleted_change_sets(cfn):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    assert error_of(lambda: cfn.describe_change_set(ChangeSetName="ghost", StackName="svc")) == (
        "ChangeSetNotFound", "ChangeSet [ghost] does not exist"
    )
    cfn.create_change_set(StackName="svc", ChangeSetName="tmp", TemplateBody=BASE.replace("svc credentials", "x"))
    assert [s["ChangeSetName"] for s in cfn.list_change_sets(StackName="svc")["Summaries"]] == ["tmp"]
    cfn.delete_change_set(ChangeSetName="tmp", StackName="svc")
    assert error_of(lambda: cfn.describe_change_set(ChangeSetName="tmp", StackName="svc"))[0] == "ChangeSetNotFound"
    assert cfn.get_template(StackName="svc")["TemplateBody"] == BASE


def test_change_set_names_and_types(cfn):
    assert error_of(lambda: cfn.create_change_set(StackName="svc", ChangeSetName="x", TemplateBody=BASE)) == (
        "ValidationError", "Stack [svc] does not exist"
    )
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    code, message = error_of(lambda: cfn.create_change_set(StackName="svc", ChangeSetName="c", TemplateBody=BASE, ChangeSetType="CREATE"))
    assert code == "ValidationError" and "already exists" in message
    cfn.create_change_set(StackName="svc", ChangeSetName="dup", TemplateBody=BASE.replace("svc credentials", "y"))
    assert error_of(lambda: cfn.create_change_set(StackName="svc", ChangeSetName="dup", TemplateBody=BASE))[0] == "AlreadyExistsException"


def test_a_failing_change_set_execution_rolls_back(cfn, sm):
    cfn.create_stack(StackName="svc", TemplateBody=BASE)
    broken = BASE.replace("svc credentials", "changed") + (
        "  Bad:\n    Type: AWS::SSM::Parameter\n    DependsOn: Secret\n    Properties:\n      Type: String\n"
        "      Value: abc\n      AllowedPattern: '^[0-9]+$'\n"
    )
    cfn.create_change_set(StackName="svc", ChangeSetName="bad", TemplateBody=broken)
    cfn.execute_change_set(ChangeSetName="bad", StackName="svc")
    assert status(cfn, "svc") == "UPDATE_ROLLBACK_COMPLETE"
    assert cfn.describe_change_set(ChangeSetName="bad", StackName="svc")["ExecutionStatus"] == "EXECUTE_FAILED"
    assert sm.describe_secret(SecretId="dev/svc")["Description"] == "svc credentials"
    assert ("Bad", "CREATE_FAILED") in [(lid, st) for lid, st, _ in events(cfn, "svc")]
