"""``AWS::SecretsManager::SecretTargetAttachment``: a database's connection details, written
into the secret that holds its credentials.

The secret must already hold JSON with ``username`` and ``password``. Attaching writes a
new version that keeps every existing key and adds ``engine``, ``host``, ``port`` and
``dbInstanceIdentifier`` (for instances) or ``dbClusterIdentifier`` (for clusters), which
is what the rotation functions read to reach the database. Removing the attachment writes
a version without them again.

``TargetType`` is one of ``AWS::RDS::DBInstance``, ``AWS::RDS::DBCluster``,
``AWS::Redshift::Cluster``, ``AWS::DocDB::DBInstance`` or ``AWS::DocDB::DBCluster``. The
database is looked up through the services' ``database`` hook; in this phase of the kit
no resource type makes databases yet, so the hook answers only for the databases it was
given. Ref and ``Fn::GetAtt Id`` return the secret's ARN.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Provisioned, ResourceContext, ResourceFailure, ResourceType, register

__all__ = ["SecretTargetAttachment", "TARGET_TYPES"]

TARGET_TYPES = {
    "AWS::RDS::DBInstance": "dbInstanceIdentifier",
    "AWS::RDS::DBCluster": "dbClusterIdentifier",
    "AWS::Redshift::Cluster": "dbClusterIdentifier",
    "AWS::DocDB::DBInstance": "dbInstanceIdentifier",
    "AWS::DocDB::DBCluster": "dbClusterIdentifier",
}
_CONNECTION_KEYS = ("engine", "host", "port", "dbInstanceIdentifier", "dbClusterIdentifier")


def _current(sm: Any, secret_id: str) -> dict[str, Any]:
    value = sm.get_secret_value(SecretId=secret_id).get("SecretString")
    try:
        document = json.loads(value) if value is not None else None
    except ValueError:
        document = None
    if not isinstance(document, dict) or "username" not in document or "password" not in document:
        raise ResourceFailure(
            "The secret's SecretString must be a JSON object with username and password before it can be attached to a database."
        )
    return document


def _write(ctx: ResourceContext, props: dict[str, Any]) -> str:
    target_type, target_id = str(props["TargetType"]), str(props["TargetId"])
    id_key = TARGET_TYPES.get(target_type)
    if id_key is None:
        raise ResourceFailure(f"Unsupported target type {target_type}")
    database = ctx.services.database(target_type, target_id, ctx.region)
    if database is None:
        kind = "DBInstance" if "Instance" in target_type else "DBCluster"
        raise ResourceFailure(f"{kind} {target_id} not found.")
    sm = ctx.service("secretsmanager")
    secret_id = str(props["SecretId"])
    document = {k: v for k, v in _current(sm, secret_id).items() if k not in _CONNECTION_KEYS}
    document.update(engine=database["engine"], host=database["host"], port=int(database["port"]))
    document[id_key] = target_id
    sm.put_secret_value(SecretId=secret_id, SecretString=json.dumps(document, separators=(",", ":")))
    return str(sm.describe_secret(SecretId=secret_id)["ARN"])


@register
class SecretTargetAttachment(ResourceType):
    type_name = "AWS::SecretsManager::SecretTargetAttachment"
    service_label = "SecretsManager"

    def create(self, ctx: ResourceContext, props: dict[str, Any]) -> Provisioned:
        arn = _write(ctx, props)
        return Provisioned(arn, arn, {"Id": arn}, {"secret": arn})

    def update(
        self, ctx: ResourceContext, current: Provisioned, old: dict[str, Any], new: dict[str, Any], changed: frozenset[str]
    ) -> Provisioned:
        _write(ctx, new)
        return current

    def delete(self, ctx: ResourceContext, current: Provisioned) -> None:
        sm = ctx.service("secretsmanager")
        value = sm.get_secret_value(SecretId=current.physical_id).get("SecretString")
        try:
            document = json.loads(value) if value is not None else None
        except ValueError:
            return
        if isinstance(document, dict) and any(k in document for k in _CONNECTION_KEYS):
            kept = {k: v for k, v in document.items() if k not in _CONNECTION_KEYS}
            sm.put_secret_value(SecretId=current.physical_id, SecretString=json.dumps(kept, separators=(",", ":")))
