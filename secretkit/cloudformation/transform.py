"""The ``AWS::SecretsManager-2024-09-16`` and ``AWS::SecretsManager-2020-07-23`` transforms.

A template that declares one of them may give an ``AWS::SecretsManager::RotationSchedule``
a ``HostedRotationLambda`` (``RotationType`` such as ``PostgreSQLSingleUser`` or
``MySQLMultiUser``) instead of a ``RotationLambdaARN``: the transform deploys the
rotation function for that type. :func:`expand` turns such a template into the processed
template, which is what the stack is made from and what ``GetTemplate`` with
``TemplateStage: Processed`` returns. For each such schedule ``R`` it adds:

* ``RRotationLambdaRole`` (``AWS::IAM::Role``): trusted by ``lambda.amazonaws.com``, with
  ``AWSLambdaBasicExecutionRole`` and an inline policy granting what the rotation needs on
  the secret (``DescribeSecret``, ``GetSecretValue``, ``PutSecretValue``,
  ``UpdateSecretVersionStage``; ``GetRandomPassword``), ``GetSecretValue`` on the
  ``MasterSecretArn``/``SuperuserSecretArn``, and ``kms:Decrypt``, ``DescribeKey`` and
  ``GenerateDataKey`` on the ``KmsKeyArn``/``MasterSecretKmsKeyArn`` given;
* ``RRotationLambda`` (``AWS::Lambda::Function``): the kit's pre-built rotation function for
  the engine and strategy (:mod:`secretkit.rotation_functions`), handler
  ``lambda_function.lambda_handler``, 30-second timeout, ``SECRETS_MANAGER_ENDPOINT`` and
  ``EXCLUDE_CHARACTERS`` in its environment, named ``RotationLambdaName`` when given;
* ``RRotationLambdaInvokePermission`` (``AWS::Lambda::Permission``): lets
  ``secretsmanager.amazonaws.com`` invoke it;

and the schedule gets ``RotationLambdaARN: !GetAtt RRotationLambda.Arn`` and a
``DependsOn`` on the permission. The template needs ``CAPABILITY_IAM`` (it makes a role)
and, through CreateStack or UpdateStack, ``CAPABILITY_AUTO_EXPAND``.

What differs from AWS: AWS puts the three resources in a nested stack
(``AWS::CloudFormation::Stack``) built from the Serverless Application Repository's
template; the kit has no nested stacks and adds them to the stack itself, so they show in
its own resource list. The function's code is the kit's package, named by a kit-only
location (``Code.S3Bucket: secretkit-rotation-functions``) that only the kit's
``AWS::Lambda::Function`` reads. ``VpcSubnetIds``/``VpcSecurityGroupIds`` are accepted and
not modelled (the kit has no network). Both versions deploy the kit's current runtime
(``python3.12``) unless ``Runtime`` is given; the 2024 version passes the schedule's
``DependsOn`` on to the function, and both pass its ``Condition`` on to all three.
RotationTypes of engines the kit has no function for (Oracle, SQL Server) fail the
transform, naming the type.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .basis import fail

__all__ = ["PACKAGE_BUCKET", "ROTATION_TYPES", "TRANSFORMS", "expand", "package_key"]

TRANSFORMS = ("AWS::SecretsManager-2024-09-16", "AWS::SecretsManager-2020-07-23")
#: The kit-only location of the pre-built rotation packages in a processed template.
PACKAGE_BUCKET = "secretkit-rotation-functions"

#: RotationType -> (engine, strategy) of :mod:`secretkit.rotation_functions`.
ROTATION_TYPES = {
    "MySQLSingleUser": ("mysql", "single-user"),
    "MySQLMultiUser": ("mysql", "alternating-users"),
    "PostgreSQLSingleUser": ("postgres", "single-user"),
    "PostgreSQLMultiUser": ("postgres", "alternating-users"),
    "MariaDBSingleUser": ("mariadb", "single-user"),
    "MariaDBMultiUser": ("mariadb", "alternating-users"),
    "RedshiftSingleUser": ("redshift", "single-user"),
    "RedshiftMultiUser": ("redshift", "alternating-users"),
    "MongoDBSingleUser": ("docdb", "single-user"),
    "MongoDBMultiUser": ("docdb", "alternating-users"),
}
_DOCUMENTED_ONLY = ("OracleSingleUser", "OracleMultiUser", "SQLServerSingleUser", "SQLServerMultiUser")
_BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_RUNTIME = "python3.12"


def package_key(engine: str, strategy: str) -> str:
    return f"{engine}/{strategy}.zip"


def _failed(transform: str, why: str) -> Exception:
    return fail("ValidationError", f"Transform {transform} failed with: {why}")


def _role(hosted: dict[str, Any], secret_id: Any, multi_user: bool) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Resource": secret_id,
         "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"]},
        {"Effect": "Allow", "Action": ["secretsmanager:GetRandomPassword"], "Resource": "*"},
    ]
    master = hosted.get("MasterSecretArn", hosted.get("SuperuserSecretArn"))
    if master is not None:
        statements.append({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": master})
    keys = [hosted[k] for k in ("KmsKeyArn", "MasterSecretKmsKeyArn", "SuperuserSecretKmsKeyArn") if hosted.get(k) is not None]
    if keys:
        statements.append({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                           "Resource": keys})
    if multi_user:  # multi-user functions find an RDS-managed master secret's database through RDS
        statements.append({"Effect": "Allow", "Action": ["rds:DescribeDBInstances", "rds:DescribeDBClusters"], "Resource": "*"})
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            },
            "ManagedPolicyArns": [_BASIC_EXECUTION],
            "Policies": [{"PolicyName": "SecretsManagerRotationPolicy",
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        },
    }


def _function(hosted: dict[str, Any], role_id: str, engine: str, strategy: str) -> dict[str, Any]:
    variables: dict[str, Any] = {"SECRETS_MANAGER_ENDPOINT": {"Fn::Sub": "https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}"}}
    if hosted.get("ExcludeCharacters") is not None:
        variables["EXCLUDE_CHARACTERS"] = hosted["ExcludeCharacters"]
    properties: dict[str, Any] = {
        "Runtime": hosted.get("Runtime", _RUNTIME),
        "Handler": "lambda_function.lambda_handler",
        "Timeout": 30,
        "Role": {"Fn::GetAtt": [role_id, "Arn"]},
        "Code": {"S3Bucket": PACKAGE_BUCKET, "S3Key": package_key(engine, strategy)},
        "Environment": {"Variables": variables},
        "Description": f"Rotates {engine} credentials in Secrets Manager ({strategy.replace('-', ' ')})",
        "Tags": [{"Key": "SecretsManagerLambda", "Value": "Rotation"}],
    }
    if hosted.get("RotationLambdaName") is not None:
        properties["FunctionName"] = hosted["RotationLambdaName"]
    return {"Type": "AWS::Lambda::Function", "Properties": properties}


def _expand_one(transform: str, resources: dict[str, Any], logical_id: str, body: dict[str, Any]) -> None:
    props = body["Properties"]
    hosted = dict(props["HostedRotationLambda"])
    if "RotationLambdaARN" in props:
        raise _failed(transform, "Can only specify either HostedRotationLambda or RotationLambdaARN.")
    rotation_type = hosted.get("RotationType")
    if not isinstance(rotation_type, str) or not rotation_type:
        raise _failed(transform, "HostedRotationLambda requires a RotationType.")
    if rotation_type in _DOCUMENTED_ONLY:
        raise _failed(transform, f"secretkit has no pre-built rotation function for RotationType {rotation_type}.")
    if rotation_type not in ROTATION_TYPES:
        raise _failed(transform, f"Invalid RotationType {rotation_type}; valid types are: {', '.join(ROTATION_TYPES)}.")
    if "MasterSecretArn" in hosted and "SuperuserSecretArn" in hosted:
        raise _failed(transform, "Can only specify either MasterSecretArn or SuperuserSecretArn.")
    engine, strategy = ROTATION_TYPES[rotation_type]
    role_id, function_id, permission_id = (f"{logical_id}RotationLambda{s}" for s in ("Role", "", "InvokePermission"))
    for new_id in (role_id, function_id, permission_id):
        if new_id in resources:
            raise _failed(transform, f"The logical ID {new_id} that the transform adds is already in the template.")
    extra: dict[str, Any] = {"Condition": body["Condition"]} if "Condition" in body else {}
    resources[role_id] = {**_role(hosted, props["SecretId"], strategy == "alternating-users"), **extra}
    function = {**_function(hosted, role_id, engine, strategy), **extra}
    if transform == TRANSFORMS[0] and "DependsOn" in body:
        function["DependsOn"] = copy.deepcopy(body["DependsOn"])
    resources[function_id] = function
    resources[permission_id] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {"FunctionName": {"Fn::GetAtt": [function_id, "Arn"]}, "Action": "lambda:InvokeFunction",
                       "Principal": "secretsmanager.amazonaws.com"},
        **extra,
    }
    del props["HostedRotationLambda"]
    props["RotationLambdaARN"] = {"Fn::GetAtt": [function_id, "Arn"]}
    depends = body.get("DependsOn", [])
    depends = [depends] if isinstance(depends, str) else list(depends)
    body["DependsOn"] = [*depends, permission_id]


def expand(data: dict[str, Any], transforms: tuple[str, ...]) -> str | None:
    """The processed template (JSON text) of ``data``, or None if it declares no transform.

    Raises CloudFormation's ``ValidationError`` for a transform the kit does not model and
    for a ``HostedRotationLambda`` the transform refuses; nothing is made.
    """
    if not transforms:
        return None
    unknown = [t for t in transforms if t not in TRANSFORMS]
    if unknown:
        raise fail(
            "ValidationError",
            f"Transform {', '.join(unknown)} is not modelled by secretkit; it models {' and '.join(TRANSFORMS)}.",
        )
    if len(transforms) > 1:
        raise fail("ValidationError", "Declare one AWS::SecretsManager transform, not both versions.")
    processed = json.loads(json.dumps(data))  # a plain copy, without the decoder's node types
    processed.pop("Transform", None)
    resources = processed.get("Resources") or {}
    for logical_id, body in list(resources.items()):
        if body.get("Type") == "AWS::SecretsManager::RotationSchedule" and "HostedRotationLambda" in (body.get("Properties") or {}):
            _expand_one(transforms[0], resources, logical_id, body)
    return json.dumps(processed, indent=2)
