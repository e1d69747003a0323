"""How the Cloud builds each service, and what it hands each of the others.

The Cloud is the one place that knows every service. It builds each one (per region, on
first use) and hands it what it may reach of the others: the services that encrypt get
their region's KMS; Parameter Store gets a callable for its region's Secrets Manager;
Secrets Manager gets one for the other regions' Secrets Managers (replication) and one for
any region's Lambda (rotation functions); EventBridge gets the same Lambda callable (rule
targets). Each Lambda service gets a factory for the boto3 clients its functions make (a
genuine client of this Cloud, see :mod:`secretkit.awslambda.routing`) and the Cloud's
``extensions`` as the network its functions reach (the simulated databases). RDS gets its
region's Secrets Manager (for the master secrets it manages) and the database directory;
CloudFormation reaches every service by name through :mod:`secretkit.cloudformation.wiring`.
IAM is global: one IAM serves every region, and it and each region's STS share the Cloud's
one directory of principals and one authorizer. Apart from KMS, no service imports another.

:data:`SERVICES` maps each service name to its factory, ``factory(cloud, env)``; the Cloud
calls it on a service's first use in a region of an account. What a factory hands a
service is a bound method or a :func:`functools.partial`, never a closure, so that a saved
Cloud keeps it (see :mod:`secretkit.saving`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from ..core.service import Env, Service
from ..eventbridge import EventBridge
from ..kms import Kms
from ..secretsmanager import SecretsManager
from ..ssm import ParameterStore

if TYPE_CHECKING:
    from ..cloud import Cloud

__all__ = ["SERVICES", "execution_role_credentials"]

# service name -> factory(cloud, region env) -> service object. Services register here.
SERVICES: dict[str, Callable[[Cloud, Env], Service]] = {
    "kms": lambda cloud, env: Kms(env),
    "secretsmanager": lambda cloud, env: _secretsmanager(cloud, env),
    "ssm": lambda cloud, env: ParameterStore(env, cloud.kms(env.region, env.account_id),
                                             partial(cloud.secretsmanager, env.region, env.account_id)),
    "lambda": lambda cloud, env: _lambda(cloud, env),
    "events": lambda cloud, env: EventBridge(env, partial(_in_account, cloud.awslambda, env.account_id)),
    "iam": lambda cloud, env: cloud.iam(env.account_id),
    "sts": lambda cloud, env: _sts(cloud, env),
    "cloudformation": lambda cloud, env: _cloudformation(cloud, env),
    "rds": lambda cloud, env: _rds(cloud, env),
}


def _secretsmanager(cloud: Cloud, env: Env) -> SecretsManager:
    # Replication reaches the other regions, rotation the Lambda service of the function's
    # region: both through what is passed here, in the secret's own account.
    account = env.account_id
    return SecretsManager(env, cloud.kms(env.region, account), partial(_in_account, cloud.secretsmanager, account),
                          functions=partial(_in_account, cloud.awslambda, account))


def _in_account(service: Callable[[str, str], Any], account_id: str, region: str = "us-east-1") -> Any:
    """``service(region, account_id)``, held as a partial (not a closure) so a saved Cloud keeps it."""
    return service(region, account_id)


# The newer services are imported when first built, so ``import secretkit`` stays light.
def _lambda(cloud: Cloud, env: Env) -> Service:
    from ..awslambda.routing import factory_from
    from ..awslambda.service import Lambda

    # boto3 inside a function gets a client of this Cloud (the door loads boto3 when asked);
    # the Cloud's extensions are the network its code reaches (the simulated databases).
    return Lambda(env, client_factory=factory_from(_door_client, cloud, cloud.service_names),
                  request_ids=cloud.request_ids, network=cloud.extensions,
                  assume_role=partial(execution_role_credentials, cloud, env))


def _door_client(cloud: Cloud, service_name: str, region_name: str, credentials: Any = None) -> Any:
    return cloud._function_client(service_name, region_name, credentials)


def _sts(cloud: Cloud, env: Env) -> Service:
    from ..iam import Sts

    directory, authorizer = cloud.access_control()
    return Sts(env, directory, authorizer)


def _cloudformation(cloud: Cloud, env: Env) -> Service:
    from ..cloudformation.wiring import build

    return build(cloud, env)


def _rds(cloud: Cloud, env: Env) -> Service:
    from ..databases import databases
    from ..rds import Rds

    return Rds(env, partial(cloud.secretsmanager, env.region, env.account_id), databases(cloud))


def execution_role_credentials(cloud: Cloud, env: Env, role_arn: str, session_name: str) -> Any:
    """How Lambda in ``env`` gets its functions' credentials: a session of the execution
    role (see :meth:`secretkit.iam.enforce.Enforcer.execution_role`), so boto3 inside a
    function acts as that role. CreateFunction, UpdateFunctionConfiguration with a new
    ``Role`` and every cold start ask for it: a role that does not exist in IAM, or that
    does not trust ``lambda.amazonaws.com``, fails with Lambda's
    ``InvalidParameterValueException`` "The role defined for the function cannot be
    assumed by Lambda.", as on AWS.
    """
    from ..awslambda.environ import Credentials
    from ..awslambda.errors import lambda_error

    try:
        session = cloud.enforcer().execution_role(env, role_arn, session_name)
    except PermissionError as exc:
        raise lambda_error("InvalidParameterValueException", str(exc)) from None
    return Credentials(session.key_id, session.secret, session.token, session.arn, role_arn, session.expires)
