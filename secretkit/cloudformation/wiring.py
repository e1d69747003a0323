"""Connecting CloudFormation to a Cloud: the services, the parameter reader, the resolvers.

:func:`build` makes the CloudFormation of one region from a ``Cloud`` and that region's
``Env``; it is what the Cloud's service table calls::

    SERVICES["cloudformation"] = lambda cloud, env: build(cloud, env)

It reaches the Cloud only through ``cloud.service(name, region)``, so this package never
imports the Cloud itself. Dynamic references
and ``AWS::SSM::Parameter::Value<...>`` parameters are read with the same public
operations a student would call (``GetParameter``, ``GetSecretValue``), so the reads show
in the event log and the cost meter.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Callable

from .basis import ClientError, Env, fail
from .dynamic import Resolvers
from .resources.base import ResourceFailure
from .service import CloudFormation
from .transform import PACKAGE_BUCKET, ROTATION_TYPES, package_key

__all__ = ["ATTACHMENT_ENGINES", "CloudServices", "build", "parameter_reader", "rds_database", "resolvers_for", "rotation_package"]

Databases = Callable[[str, str, str], "dict[str, Any] | None"]


class CloudServices:
    """The :class:`~.resources.base.StackServices` of a Cloud.

    ``databases(target_type, target_id, region)`` answers SecretTargetAttachment's question
    "where is this database?"; without it the region's RDS answers (DescribeDBInstances or
    DescribeDBClusters), so an attachment finds the instances and clusters a stack made.
    """

    def __init__(self, cloud: Any, databases: Databases | None = None) -> None:
        self._cloud = cloud
        self._databases = databases

    def service(self, name: str, region: str) -> Any:
        return self._cloud.service(name, region)

    def database(self, target_type: str, target_id: str, region: str) -> dict[str, Any] | None:
        if self._databases is not None:
            return self._databases(target_type, target_id, region)
        return rds_database(self._cloud.service("rds", region), target_type, target_id)

    def package(self, bucket: str, key: str) -> bytes | None:
        return rotation_package(bucket, key)


#: The ``engine`` a SecretTargetAttachment writes, as the rotation functions name engines.
ATTACHMENT_ENGINES = {"mysql": "mysql", "aurora-mysql": "mysql", "mariadb": "mariadb", "postgres": "postgres",
                      "aurora-postgresql": "postgres", "docdb": "mongo"}


def rds_database(rds: Any, target_type: str, target_id: str) -> dict[str, Any] | None:
    """``{"engine", "host", "port"}`` of an RDS instance or cluster, or None if there is none."""
    try:
        if target_type.endswith("DBInstance"):
            entry = rds.describe_db_instances(DBInstanceIdentifier=target_id)["DBInstances"][0]
            host, port = entry["Endpoint"]["Address"], entry["Endpoint"]["Port"]
        elif target_type.endswith("DBCluster"):
            entry = rds.describe_db_clusters(DBClusterIdentifier=target_id)["DBClusters"][0]
            host, port = entry["Endpoint"], entry["Port"]
        else:
            return None
    except ClientError as exc:
        if exc.code in ("DBInstanceNotFound", "DBClusterNotFoundFault", "InvalidParameterValue"):
            return None
        raise
    return {"engine": ATTACHMENT_ENGINES.get(entry["Engine"], entry["Engine"]), "host": host, "port": port}


def rotation_package(bucket: str, key: str) -> bytes | None:
    """The zip of the pre-built rotation function at the transform's kit-only location."""
    if bucket != PACKAGE_BUCKET:
        return None
    from .. import rotation_functions  # loaded only when a stack deploys one

    for engine, strategy in ROTATION_TYPES.values():
        if key == package_key(engine, strategy):
            return rotation_functions.package(engine, strategy)
    return None


def parameter_reader(cloud: Any, region: str) -> Callable[[str], str | None]:
    """Reads ``AWS::SSM::Parameter::Value<...>`` parameters: the value, or None if missing.

    (A partial of a module function rather than a closure, here and below, so that a saved
    Cloud can keep it.)"""
    return partial(_read_parameter, cloud, region)


def _read_parameter(cloud: Any, region: str, name: str) -> str | None:
    try:
        found = cloud.service("ssm", region).get_parameter(Name=name)["Parameter"]
    except ClientError as exc:
        if exc.code in ("ParameterNotFound", "ValidationException"):
            return None
        raise
    if found["Type"] == "SecureString":
        raise fail("ValidationError", f"Parameters [{name}] referenced by template have types not supported by CloudFormation.")
    return str(found["Value"])


def _region_of(secret_id: str, default: str) -> str:
    parts = secret_id.split(":")
    return parts[3] if secret_id.startswith("arn:") and len(parts) > 3 and parts[3] else default


def resolvers_for(cloud: Any, region: str) -> Resolvers:
    """Dynamic-reference readers over the Cloud's Parameter Store and Secrets Manager."""
    return Resolvers(partial(_resolve_ssm, cloud, region), partial(_resolve_secret, cloud, region))


def _resolve_ssm(cloud: Any, region: str, name: str, version: str | None, secure: bool) -> str:
    selector = f"{name}:{version}" if version else name
    found = cloud.service("ssm", region).get_parameter(Name=selector, WithDecryption=secure)["Parameter"]
    return str(found["Value"])


def _resolve_secret(cloud: Any, region: str, secret_id: str, json_key: str | None, stage: str | None,
                    version_id: str | None) -> str:
    args: dict[str, Any] = {"SecretId": secret_id}
    if version_id:
        args["VersionId"] = version_id
    elif stage:
        args["VersionStage"] = stage
    value = cloud.service("secretsmanager", _region_of(secret_id, region)).get_secret_value(**args).get("SecretString")
    if value is None:
        raise ResourceFailure("Could not find a SecretString in the secret version.")
    if json_key is None:
        return str(value)
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict) or json_key not in document:
        raise ResourceFailure("Could not find a value associated with JSONKey in SecretString")
    got = document[json_key]
    return got if isinstance(got, str) else json.dumps(got)


class AccountView:
    """The Cloud as one of its accounts sees it: ``service(name, region)`` is that account's."""

    def __init__(self, cloud: Any, account_id: str) -> None:
        self._cloud = cloud
        self.account_id = account_id

    def service(self, name: str, region: str = "us-east-1") -> Any:
        return self._cloud.service(name, region, self.account_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cloud, name)


def build(cloud: Any, env: Env, databases: Databases | None = None) -> CloudFormation:
    """The CloudFormation of ``env``'s region and account, wired to ``cloud`` as that account sees it."""
    if env.account_id != cloud.account_id:
        cloud = AccountView(cloud, env.account_id)
    return CloudFormation(
        env,
        services=CloudServices(cloud, databases),
        ssm_parameter_value=parameter_reader(cloud, env.region),
        resolvers=resolvers_for(cloud, env.region),
    )
