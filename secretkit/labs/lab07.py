"""Lab 7 checks: a stack of secrets — write the template, preview a change, reference a secret.

The stack the notebook asks for (one template, deployed once per stage)::

    Parameter  Stage                  dev | prod
    Secret     shop/<Stage>/db        {"username": "shop_app", "password": <generated, 20+ characters>}
    Parameter  /shop/<Stage>/db/host  String, db.<Stage>.internal
    Output     SecretArn              the secret's ARN

Each question deploys into a fresh, seeded Cloud of its own, through a genuine boto3
``cloudformation`` client, as the student's code would on AWS.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..cloud import Cloud
from . import Checks, Mistake, StudentError, call, count_calls, error_code, expect, type_name

__all__ = ["REFERENCE_TEMPLATE", "checks", "check"]

checks = Checks("lab07")
check = checks.check

#: A template meeting exercise 1, for the questions that start from a deployed stack.
REFERENCE_TEMPLATE = """
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub shop/${Stage}/db
      GenerateSecretString:
        SecretStringTemplate: '{"username": "shop_app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludePunctuation: true
  DbHost:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /shop/${Stage}/db/host
      Type: String
      Value: !Sub db.${Stage}.internal
Outputs:
  SecretArn:
    Value: !Ref DbSecret
"""


def _world(seed: int) -> tuple[Cloud, Any]:
    cloud = Cloud(seed=seed)
    return cloud, cloud.client("cloudformation", region_name="us-east-1")


def _stage(stage: str) -> list[dict[str, str]]:
    return [{"ParameterKey": "Stage", "ParameterValue": stage}]


def _failure(cfn: Any, stack: str) -> str:
    rows = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    failed = [e for e in reversed(rows) if e["ResourceStatus"].endswith("_FAILED") and e["LogicalResourceId"] != stack]
    return f"{failed[0]['LogicalResourceId']}: {failed[0].get('ResourceStatusReason', '')}" if failed else "no reason given"


def _outputs(cfn: Any, stack: str) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}


# --------------------------------------------------------------------------- q1
_SECURE = ("CloudFormation cannot create SecureString parameters: the host is a plain String, and the password "
           "belongs in the secret")
_COLLIDES = ("the dev stack collides with the prod stack: a name in the template does not use the Stage; build the "
             "names with !Sub and ${Stage}")


def _deploy(cfn: Any, body: str, stack: str, stage: str) -> None:
    try:
        cfn.create_stack(StackName=stack, TemplateBody=body, Parameters=_stage(stage))
    except Exception as error:  # noqa: BLE001 - botocore's ClientError, read by its code
        message = getattr(error, "response", {}).get("Error", {}).get("Message", str(error))
        if "Stage" in message and "do not exist" in message:
            raise Mistake("the template has no parameter named Stage: the stage is given when each stack is "
                          "created") from None
        raise Mistake(f"CloudFormation refuses the stack: {message}") from None
    status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        reason = _failure(cfn, stack)
        if "SecureString" in reason:
            raise Mistake(_SECURE)
        if "already exists" in reason:
            raise Mistake(_COLLIDES)
        raise Mistake(f"the {stage} stack failed and rolled back ({reason})")


def _check_stage(cloud: Cloud, cfn: Any, body: str, stack: str, stage: str) -> None:
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    ssm = cloud.client("ssm", region_name="us-east-1")
    name = f"shop/{stage}/db"
    names = [s["Name"] for s in sm.list_secrets()["SecretList"]]
    expect(names, "the stack made no secret: declare an AWS::SecretsManager::Secret")
    expect(name in names, "no secret is named shop/<stage>/db for this stack's Stage")
    value = sm.get_secret_value(SecretId=name)["SecretString"]
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    expect(isinstance(document, dict), "the secret's value is not a JSON object with username and password: "
                                       "SecretStringTemplate gives the JSON, GenerateStringKey the key of the password")
    password = document.get("password")
    expect(not (isinstance(password, str) and password in body),
           "the password is written in the template: anyone allowed GetTemplate reads it; let GenerateSecretString "
           "make it")
    expect("password" in document, "the secret has no password key: GenerateStringKey names the key the generated "
                                   "password goes under")
    expect(document.get("username") == "shop_app", "the secret's username is not the one asked for")
    expect(isinstance(password, str) and len(password) >= 20,
           "the generated password is short: ask for a PasswordLength of 20 or more")
    try:
        host = ssm.get_parameter(Name=f"/shop/{stage}/db/host")["Parameter"]
    except Exception as error:  # noqa: BLE001
        if error_code(error) == "ParameterNotFound":
            raise Mistake("there is no parameter /shop/<stage>/db/host for this stack's Stage") from None
        raise
    expect(host["Value"] == f"db.{stage}.internal", "the host parameter's value does not follow the stack's Stage")
    outputs = _outputs(cfn, stack)
    expect("SecretArn" in outputs, "the stack has no output named SecretArn")
    arn = sm.describe_secret(SecretId=name)["ARN"]
    expect(outputs["SecretArn"] == arn,
           "the output SecretArn is not the secret's ARN (Ref of a secret gives its ARN)")


@checks.question("q1")
def _template(body: Any) -> None:
    """SHOP_TEMPLATE deploys the secret, the host parameter and the output, once per stage."""
    expect(not isinstance(body, dict), "SHOP_TEMPLATE is a dict: write the template as text (YAML or JSON)")
    expect(isinstance(body, str), f"SHOP_TEMPLATE is {type_name(body)}: write the template as text (YAML or JSON)")
    cloud, cfn = _world(701)
    try:
        summary = cfn.validate_template(TemplateBody=body)
    except Exception as error:  # noqa: BLE001
        message = getattr(error, "response", {}).get("Error", {}).get("Message", str(error))
        raise Mistake(f"CloudFormation refuses the template: {message}") from None
    expect("Stage" in [p["ParameterKey"] for p in summary["Parameters"]],
           "the template has no parameter named Stage: the stage is given when each stack is created")
    _deploy(cfn, body, "shop-prod", "prod")
    _check_stage(cloud, cfn, body, "shop-prod", "prod")
    _deploy(cfn, body, "shop-dev", "dev")
    _check_stage(cloud, cfn, body, "shop-dev", "dev")


# --------------------------------------------------------------------------- q2
_WITH_SEARCH = REFERENCE_TEMPLATE.replace("Outputs:", """  Search:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub /shop/${Stage}/features/search
      Type: String
      Value: enabled
Outputs:""", 1).replace("Value: !Sub db.${Stage}.internal", "Value: !Sub db2.${Stage}.internal")
_WITHOUT_HOST = REFERENCE_TEMPLATE.replace(REFERENCE_TEMPLATE[REFERENCE_TEMPLATE.index("  DbHost:"):
                                                              REFERENCE_TEMPLATE.index("Outputs:")], "")
_APPLIED = "you applied the change: a change set only describes what would happen, until it is executed"


def _preview(cloud: Cloud, preview: Callable[..., Any], cfn: Any, body: str) -> set[tuple[str, str]]:
    before = count_calls(cloud, service="cloudformation")
    try:
        got = call(preview, cfn, "shop", body, _stage("prod"))
    except StudentError as error:
        if error_code(error.original) == "AlreadyExistsException":
            raise Mistake("a change set's name can be used once per stack: make a new name on each call, or delete "
                          "the change set after reading it") from None
        raise
    expect(count_calls(cloud, service="cloudformation") > before,
           "no call reached the client passed in: use the cfn argument")
    expect(not count_calls(cloud, "UpdateStack"), _APPLIED)
    expect(not count_calls(cloud, "ExecuteChangeSet"), _APPLIED)
    expect(count_calls(cloud, "CreateChangeSet"), "preview did not create a change set")
    expect(not isinstance(got, dict), "preview returned the whole response: return a list of (action, logical id) "
                                      "pairs, one per change")
    expect(isinstance(got, (list, tuple)), f"preview returned {type_name(got)}: return a list of (action, logical id) "
                                           "pairs")
    expect(all(isinstance(item, (list, tuple)) and len(item) == 2 for item in got),
           "each item should be an (action, logical id) pair, e.g. the ResourceChange's Action and "
           "LogicalResourceId")
    return {(str(a), str(b)) for a, b in got}


@checks.question("q2")
def _preview_question(preview: Callable[..., Any]) -> None:
    """preview(cfn, stack_name, template_body, parameters) lists the changes and applies none."""
    cloud, cfn = _world(702)
    cfn.create_stack(StackName="shop", TemplateBody=REFERENCE_TEMPLATE, Parameters=_stage("prod"))
    ssm = cloud.client("ssm", region_name="us-east-1")
    got = _preview(cloud, preview, cfn, _WITH_SEARCH)
    expect(ssm.get_parameter(Name="/shop/prod/db/host")["Parameter"]["Value"] == "db.prod.internal", _APPLIED)
    expect(not any(b == "Search" and a == "Modify" for a, b in got), "a resource that is not in the stack yet is "
                                                                      "added, not modified")
    expect(got == {("Modify", "DbHost"), ("Add", "Search")}, "the changes listed are not those of the change set")
    again = _preview(cloud, preview, cfn, _WITHOUT_HOST)
    expect(again != got, "the second preview, of another template, listed the first one's changes: use the "
                         "template_body argument")
    expect(again == {("Remove", "DbHost")}, "the changes listed are not those of the change set")
    status = cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"]
    expect(status == "CREATE_COMPLETE", _APPLIED)


# --------------------------------------------------------------------------- q3
_DB_TEMPLATE = {
    "Resources": {
        "Db": {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {"Engine": "postgres", "DBInstanceClass": "db.t4g.micro", "AllocatedStorage": 20,
                           "MasterUsername": "shop_app", "MasterUserPassword": None},
        },
    },
    "Outputs": {"Address": {"Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}},
}


def _reference(make_reference: Callable[..., Any], name: str) -> str:
    got = call(make_reference, name)
    expect(isinstance(got, str), f"db_password_reference returned {type_name(got)}: return the reference as text")
    expect(got.startswith("{{resolve:") and got.endswith("}}"),
           "a dynamic reference is written {{resolve:...}}, braces included")
    expect(not got.startswith("{{resolve:ssm"), "resolve:ssm reads Parameter Store: the password is in a Secrets "
                                                "Manager secret (resolve:secretsmanager)")
    expect(got.startswith("{{resolve:secretsmanager:"), "the reference does not read Secrets Manager "
                                                        "(resolve:secretsmanager)")
    parts = got[2:-2].split(":")
    expect(name in got, "the reference does not name the secret it was given: use the secret_name argument")
    expect(len(parts) > 3 and parts[3] in ("SecretString", ""),  # empty means SecretString, as AWS's examples write it
           "after the secret's name comes SecretString, then the JSON key")
    expect(len(parts) > 4 and parts[4], "without a JSON key the reference gives the whole JSON document, not the "
                                        "password")
    expect(parts[4] == "password", "the JSON key picks the value the database gets: here, the password")
    return got


def _deployed_password(name: str, reference: str, seed: int) -> tuple[bool, str]:
    from ..databases import databases  # the simulated servers the stack's database runs on

    cloud, cfn = _world(seed)
    sm = cloud.client("secretsmanager", region_name="us-east-1")
    password = sm.get_random_password(PasswordLength=24, ExcludePunctuation=True)["RandomPassword"]
    sm.create_secret(Name=name, SecretString=json.dumps({"username": "shop_app", "password": password}))
    template = json.loads(json.dumps(_DB_TEMPLATE))
    template["Resources"]["Db"]["Properties"]["MasterUserPassword"] = reference
    try:
        cfn.create_stack(StackName="db", TemplateBody=json.dumps(template))
    except Exception as error:  # noqa: BLE001
        message = getattr(error, "response", {}).get("Error", {}).get("Message", str(error))
        raise Mistake(f"CloudFormation could not use the reference: {message}") from None
    if cfn.describe_stacks(StackName="db")["Stacks"][0]["StackStatus"] != "CREATE_COMPLETE":
        raise Mistake(f"CloudFormation could not use the reference ({_failure(cfn, 'db')})")
    address = _outputs(cfn, "db")["Address"]
    return databases(cloud).get(address).accepts("shop_app", password), reference


@checks.question("q3")
def _reference_question(db_password_reference: Callable[..., Any]) -> None:
    """db_password_reference(secret_name) gives the dynamic reference to the secret's password."""
    for seed, name in ((703, "shop/prod/db"), (704, "orders/dev/credentials")):
        reference = _reference(db_password_reference, name)
        accepted, _ = _deployed_password(name, reference, seed)
        expect(accepted, "the database did not get the secret's password")
