"""Deploying a pre-built rotation function the way AWS's serverless application does.

Choosing a rotation template in the Secrets Manager console deploys a small stack from the
Serverless Application Repository: the function (handler ``lambda_function.lambda_handler``,
a 30-second timeout, ``SECRETS_MANAGER_ENDPOINT`` set to the region's Secrets Manager
endpoint, ``EXCLUDE_CHARACTERS`` when you gave some), its execution role, and an
``AWS::Lambda::Permission`` that lets ``secretsmanager.amazonaws.com`` invoke it.
:func:`deploy` makes the same three things through the model's Lambda API (CreateFunction
with the zip of :func:`~.packages.package`, then AddPermission) and returns the function's
ARN, ready for ``RotateSecret``.
"""

from __future__ import annotations

from typing import Any

from .packages import HANDLER, package, template

__all__ = ["RUNTIME", "TIMEOUT", "deploy", "execution_role_arn", "function_environment"]

RUNTIME = "python3.12"
TIMEOUT = 30  # seconds, as the serverless application sets it
PRINCIPAL = "secretsmanager.amazonaws.com"


def execution_role_arn(account_id: str, function_name: str) -> str:
    """The ARN of the execution role :func:`deploy` gives a function."""
    return f"arn:aws:iam::{account_id}:role/{function_name}-role"


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
           timeout: int = TIMEOUT, memory_size: int = 128) -> str:
    """Deploy the pre-built function for ``engine`` and ``strategy`` as ``name``; return its ARN.

    ``driver`` chooses what the package bundles (see :data:`~.packages.DRIVERS`):
    ``"simulated"`` for the simulated servers, ``"real"`` for the real PostgreSQL.
    ``variables`` adds environment variables (``PASSWORD_LENGTH``, ...). Lambda's own checks
    apply: a name already in use is a ``ResourceConflictException`` and nothing is made.
    """
    found = template(engine, strategy)
    lam = cloud.service("lambda", region)
    config = lam.create_function(
        FunctionName=name, Runtime=RUNTIME, Handler=HANDLER, Timeout=timeout, MemorySize=memory_size,
        Role=execution_role_arn(cloud.account_id, name),
        Code={"ZipFile": package(engine, strategy, driver=driver)},
        Environment=function_environment(region, exclude_characters, variables),
        Description=f"Rotates {found.title} credentials in Secrets Manager ({strategy.replace('-', ' ')})",
        Tags={"SecretsManagerLambda": "Rotation"},
    )
    lam.add_permission(FunctionName=name, StatementId="SecretsManagerRotationInvoke",
                       Action="lambda:InvokeFunction", Principal=PRINCIPAL)
    return str(config["FunctionArn"])
