"""The resource types CloudFormation can provision in the kit, one module each.

Importing this package registers every type in :data:`.base.REGISTRY`. Each type is
one module (Lambda functions and permissions, EventBridge rules, RDS instances and
clusters, IAM roles and policies among them); a new type needs no change to the engine.
"""

from . import (
    events_rule,
    iam_entities,
    inert,
    kms_alias,
    kms_key,
    lambda_function,
    rds_database,
    rotation_schedule,
    secret,
    secret_attachment,
    secret_policy,
    ssm_parameter,
)
from .base import REGISTRY, Provisioned, ResourceContext, ResourceFailure, ResourceType, StackServices, register

__all__ = [
    "Provisioned",
    "REGISTRY",
    "ResourceContext",
    "ResourceFailure",
    "ResourceType",
    "StackServices",
    "events_rule",
    "iam_entities",
    "inert",
    "kms_alias",
    "kms_key",
    "lambda_function",
    "rds_database",
    "register",
    "rotation_schedule",
    "secret",
    "secret_attachment",
    "secret_policy",
    "ssm_parameter",
]
