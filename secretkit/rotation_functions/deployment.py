"""Deploying a pre-built rotation function the way AWS's serverless application does.

Choosing a rotation template in the Secrets Manager console deploys a small stack from the
Serverless Application Repository: the function (handler ``lambda_function.lambda_handler``,
a 30-second timeout, ``SECRETS_MANAGER_ENDPOINT`` set to the region's Secrets Manager
endpoint, ``EXCLUDE_CHARACTERS`` when you gave some), its execution role, and an
``AWS::Lambda::Permission`` that lets ``secretsmanager.amazonaws.com`` invoke it.
:func:`deploy` makes the same three things through the model's IAM and Lambda APIs
(CreateRole and PutRolePolicy, CreateFunction with the zip of :func:`~.packages.package`,
then AddPermission) and returns the function's ARN, ready for ``RotateSecret``.

The execution role is what the function's code runs as: its boto3 clients hold a session
of it, so the rotation can do only what the role's policy allows (:func:`rotation_policy`).
"""

from __future__ import annotations

import json
from typing import Any

from ..core.errors import ClientError
from .packages import HANDLER, package, template

__all__ = ["LAMBDA_TRUST", "RUNTIME", "TIMEOUT", "deploy", "execution_role_arn", "function_environment",
           "rotation_policy"]

RUNTIME = "python3.12"
TIMEOUT = 30  # seconds, as the serverless application sets it
PRINCIPAL = "secretsmanager.amazonaws.com"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
ROTATION_ACTIONS = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"]


def execution_role_arn(account_id: str, function_name: str) -> str:
    """The ARN of the execution role :func:`deploy` gives a function."""
    return f"arn:aws:iam::{account_id}:role/{function_name}-role"


def rotation_policy(function_arn: str, *, secret_arn: str | None = None, master_secret_arn: str | None = None,
                    kms_key_arn: str | None = None, multi_user: bool = False) -> dict[str, Any]:
    """The least-privilege policy a rotation function needs, as AWS's rotation templates grant it.

    The four Secrets Manager actions on ``secret_arn``; without one, on the secrets whose
    rotation function is this one (the ``secretsmanager:resource/AllowRotationLambdaArn``
    condition, as the serverless application's own policy scopes them). ``GetRandomPassword``
    on ``*``; ``GetSecretValue`` on the master secret of an alternating-users rotation;
    ``kms:Decrypt`` and ``kms:GenerateDataKey`` on a customer key; for alternating users,
    RDS's Describe calls that find a managed master secret's database.
    """
    first: dict[str, Any] = {"Effect": "Allow", "Action": ROTATION_ACTIONS, "Resource": secret_arn or "*"}
    if secret_arn is None:
        first["Condition"] = {"StringEquals": {"secretsmanager:resource/AllowRotationLambdaArn": function_arn}}
    statements: list[dict[str, Any]] = [
        first, {"Effect": "Allow", "Action": "secretsmanager:GetRandomPassword", "Resource": "*"}]
    if master_secret_arn is not None:
        statements.append({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": master_secret_arn})
    if kms_key_arn is not None:
        statements.append({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": kms_key_arn})
    if multi_user:
        statements.append({"Effect": "Allow", "Action": ["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
                           "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def function_environment(region: str, exclude_characters: str | None = None,
                         variables: dict[str, str] | None = None) -> dict[str, Any]:
    """The function's ``Environment``: the region's Secrets Manager endpoint, and the rest."""
    values = {"SECRETS_MANAGER_ENDPOINT": f"https://secretsmanager.{region}.amazonaws.com"}
    if exclude_characters is not None:
        values["EXCLUDE_CHARACTERS"] = exclude_characters
    values.update(variables or {})
    return {"Variables": values}


def deploy(cloud: Any, name: str, engine: str, strategy: str, *, region: str = "us-east-1", driver: str = "simulated",
           exclude_characters: str | None = None, variables: dict[str, str] | None = None,
           timeout: int = TIMEOUT, memory_size: int = 128, secret_arn: str | None = None,
           master_secret_arn: str | None = None, kms_key_arn: str | None = None) -> str:
    """Deploy the pre-built function for ``engine`` and ``strategy`` as ``name``; return its ARN.

    ``driver`` chooses what the package bundles (see :data:`~.packages.DRIVERS`):
    ``"simulated"`` for the simulated servers, ``"real"`` for the real PostgreSQL.
    ``variables`` adds environment variables (``PASSWORD_LENGTH``, ...).

    The execution role :func:`execution_role_arn` is made first when IAM has none of that
    name: trusted by ``lambda.amazonaws.com``, with the inline policy
    ``SecretsManagerRotationPolicy`` of :func:`rotation_policy` (``secret_arn``,
    ``master_secret_arn`` and ``kms_key_arn`` narrow or widen it). A role that already exists
    is used as it is, with the policies you gave it. Lambda's own checks apply: a name
    already in use is a ``ResourceConflictException`` and nothing is made.
    """
    found = template(engine, strategy)
    lam = cloud.service("lambda", region)
    role_arn = execution_role_arn(cloud.account_id, name)
    function_arn = f"arn:aws:lambda:{region}:{cloud.account_id}:function:{name}"
    made_role = _ensure_role(cloud, role_arn, rotation_policy(
        function_arn, secret_arn=secret_arn, master_secret_arn=master_secret_arn, kms_key_arn=kms_key_arn,
        multi_user=strategy != "single-user"))
    try:
        config = lam.create_function(
            FunctionName=name, Runtime=RUNTIME, Handler=HANDLER, Timeout=timeout, MemorySize=memory_size,
            Role=role_arn,
            Code={"ZipFile": package(engine, strategy, driver=driver)},
            Environment=function_environment(region, exclude_characters, variables),
            Description=f"Rotates {found.title} credentials in Secrets Manager ({strategy.replace('-', ' ')})",
            Tags={"SecretsManagerLambda": "Rotation"},
        )
    except Exception:
        if made_role:  # a failed deployment leaves nothing behind
            iam = cloud.service("iam")
            role = role_arn.rsplit("/", 1)[-1]
            iam.delete_role_policy(RoleName=role, PolicyName="SecretsManagerRotationPolicy")
            iam.delete_role(RoleName=role)
        raise
    lam.add_permission(FunctionName=name, StatementId="SecretsManagerRotationInvoke",
                       Action="lambda:InvokeFunction", Principal=PRINCIPAL)
    return str(config["FunctionArn"])


def _ensure_role(cloud: Any, role_arn: str, policy: dict[str, Any]) -> bool:
    """Make the execution role unless IAM has it; whether it was made."""
    iam = cloud.service("iam")
    role = role_arn.rsplit("/", 1)[-1]
    try:
        iam.get_role(RoleName=role)
        return False
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NoSuchEntity":
            raise
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                    Description="Execution role of a Secrets Manager rotation function")
    iam.put_role_policy(RoleName=role, PolicyName="SecretsManagerRotationPolicy", PolicyDocument=json.dumps(policy))
    return True
