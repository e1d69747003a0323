"""Templates checked as CloudFormation's servers check them: AWS's errors for what AWS
refuses, and no error for what AWS accepts (cfn-lint warns about more than AWS refuses)."""

from __future__ import annotations

import json

import pytest

from _cfn_support import error_of, make_cfn

PARAM = "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: {value}\n"


@pytest.fixture
def cfn(cloud):
    return make_cfn(cloud)


def _validation(cfn, body):
    code, message = error_of(lambda: cfn.validate_template(TemplateBody=body))
    assert code == "ValidationError"
    return message


def test_yaml_syntax_error_is_not_well_formed(cfn):
    message = _validation(cfn, "Resources:\n  A: [\n")
    assert message.startswith("Template format error: YAML not well-formed.")


def test_json_syntax_error_is_not_well_formed(cfn):
    message = _validation(cfn, '{"Resources": {"A": {"Type": "AWS::SSM::Parameter"}, "A": {}}}')
    assert message.startswith("Template format error: JSON not well-formed.")


def test_missing_resources_section(cfn):
    assert _validation(cfn, "Description: nothing\n") == "Template format error: At least one Resources member must be defined."


def test_unknown_top_level_section(cfn):
    body = "Resource:\n  A: {}\nResources:\n" + PARAM.format(value="x").split("\n", 1)[1]
    assert _validation(cfn, body) == "Template format error: Invalid template property or properties [Resource]"


def test_resource_without_type(cfn):
    body = "Resources:\n  A:\n    Properties:\n      Type: String\n"
    assert _validation(cfn, body) == "Template format error: Every Resources object must contain a Type member."


def test_misspelled_resource_attribute(cfn):
    body = "Resources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properites:\n      Type: String\n"
    assert _validation(cfn, body) == "Template format error: Invalid template resource property 'Properites'"


def test_unknown_resource_types_are_listed(cfn):
    body = "Resources:\n  A:\n    Type: AWS::Foo::Bar\n  B:\n    Type: AWS::Foo::Baz\n"
    assert _validation(cfn, body) == "Template format error: Unrecognized resource types: [AWS::Foo::Bar, AWS::Foo::Baz]"


def test_ref_to_nothing_is_an_unresolved_dependency(cfn):
    assert _validation(cfn, PARAM.format(value="!Ref Nope")) == (
        "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"
    )


def test_sub_variable_naming_nothing_is_unresolved(cfn):
    message = _validation(cfn, PARAM.format(value="!Sub 'x-${Missing}'"))
    assert message == "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template"


def test_depends_on_nothing_is_unresolved(cfn):
    body = "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    DependsOn: Ghost\n    Properties:\n      Type: String\n      Value: x\n"
    assert "Unresolved resource dependencies [Ghost] in the Resources block" in _validation(cfn, body)


def test_output_ref_to_nothing_names_the_outputs_block(cfn):
    body = PARAM.format(value="x") + "Outputs:\n  O:\n    Value: !Ref Nope\n"
    assert _validation(cfn, body) == (
        "Template format error: Unresolved resource dependencies [Nope] in the Outputs block of the template"
    )


def test_getatt_of_undefined_resource(cfn):
    assert _validation(cfn, PARAM.format(value="!GetAtt Ghost.Arn")) == (
        "Template error: instance of Fn::GetAtt references undefined resource Ghost"
    )


def test_getatt_of_unknown_attribute(cfn):
    body = PARAM.format(value="x") + "  Q:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: !GetAtt P.Colour\n"
    assert _validation(cfn, body) == "Template error: resource P does not support attribute type Colour in Fn::GetAtt"


def test_circular_dependency_lists_the_resources(cfn):
    body = (
        "Resources:\n"
        "  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: !Ref B\n"
        "  B:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: !GetAtt A.Value\n"
    )
    assert _validation(cfn, body) == "Circular dependency between resources: [A, B]"


def test_unknown_intrinsic_function(cfn):
    message = _validation(cfn, PARAM.format(value="!Fn::Frobnicate x").replace("!Fn::Frobnicate x", "{'Fn::Frobnicate': x}"))
    assert message.startswith("Template error: Encountered unsupported function: Fn::Frobnicate Supported functions are: [")


def test_unknown_parameter_type(cfn):
    body = "Parameters:\n  P:\n    Type: Strin\n" + PARAM.format(value="x")
    assert _validation(cfn, body) == "Template format error: Unrecognized parameter type: Strin"


def test_unknown_parameter_property(cfn):
    body = "Parameters:\n  P:\n    Type: String\n    Defualt: x\n" + PARAM.format(value="x")
    assert _validation(cfn, body) == "Template format error: Invalid template parameter property 'Defualt'"


def test_non_alphanumeric_logical_id(cfn):
    body = "Resources:\n  my-param:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: x\n"
    assert _validation(cfn, body) == "Template format error: Resource name my-param is non alphanumeric."


def test_output_without_value(cfn):
    body = PARAM.format(value="x") + "Outputs:\n  O:\n    Description: no value\n"
    assert _validation(cfn, body) == "Template format error: Every Outputs member must contain a Value object"


def test_ssm_secure_reference_outside_the_allowed_properties(cfn):
    body = PARAM.format(value="'{{resolve:ssm-secure:/db/password}}'")
    code, message = error_of(lambda: cfn.create_stack(StackName="s", TemplateBody=body))
    assert (code, message) == ("ValidationError", "SSM Secure reference is not supported in: [AWS::SSM::Parameter/Properties/Value]")


def test_empty_and_oversized_bodies(cfn):
    assert _validation(cfn, "") == "Either Template URL or Template Body must be specified."
    big = PARAM.format(value="x") + "Description: " + "x" * 52_000 + "\n"
    assert "Member must have length less than or equal to 51200" in _validation(cfn, big)


@pytest.mark.parametrize(
    "body",
    [
        # A "${...}" string without Fn::Sub is only text to AWS (cfn-lint warns, E1029 is not enforced).
        PARAM.format(value="'literal ${NotAVariable}'"),
        # An unused parameter and mapping are fine.
        "Parameters:\n  Unused:\n    Type: String\n    Default: a\nMappings:\n  M:\n    k:\n      v: 1\n" + PARAM.format(value="x"),
        # An unquoted YAML date for the format version, as AWS's own examples write it.
        "AWSTemplateFormatVersion: 2010-09-09\n" + PARAM.format(value="x"),
        # JSON templates.
        json.dumps({"Resources": {"P": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "x"}}}}),
    ],
)
def test_templates_aws_accepts_are_accepted(cfn, body):
    assert "Parameters" in cfn.validate_template(TemplateBody=body)


def test_validate_template_reports_parameters_and_description(cfn):
    body = (
        "Description: the app\nParameters:\n  Env:\n    Type: String\n    Default: dev\n    Description: which\n"
        "  Password:\n    Type: String\n    NoEcho: true\n" + PARAM.format(value="!Ref Env")
    )
    out = cfn.validate_template(TemplateBody=body)
    assert out["Description"] == "the app"
    assert out["Parameters"] == [
        {"ParameterKey": "Env", "DefaultValue": "dev", "NoEcho": False, "Description": "which"},
        {"ParameterKey": "Password", "NoEcho": True},
    ]
    assert out["Capabilities"] == [] and out["DeclaredTransforms"] == []


def test_template_url_is_refused_honestly(cfn):
    code, message = error_of(lambda: cfn.validate_template(TemplateURL="https://example.com/t.yaml"))
    assert code == "ValidationError" and "TemplateBody" in message


def test_real_type_the_kit_does_not_model_fails_naming_it(cfn):
    body = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
    code, message = error_of(lambda: cfn.create_stack(StackName="s", TemplateBody=body))
    assert (code, message) == ("ValidationError", "Template format error: Unrecognized resource types: [AWS::S3::Bucket]")
    assert cfn.describe_stacks()["Stacks"] == []
