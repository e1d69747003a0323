"""Access control: IAM principals and policies, STS sessions, and AWS's evaluation logic.

The pieces, bottom up:

* :mod:`~secretkit.iam.grammar` and :mod:`~secretkit.iam.documents`: policy documents
  parsed and validated as IAM does, per kind (identity, trust, secret, key...), with each
  service's error for a bad one;
* :mod:`~secretkit.iam.matching` and :mod:`~secretkit.iam.conditions`: wildcards, ARNs,
  policy variables, every condition operator;
* :mod:`~secretkit.iam.principals`, :mod:`~secretkit.iam.directory`,
  :mod:`~secretkit.iam.credentials`: accounts, users, roles, sessions, access keys;
* :mod:`~secretkit.iam.evaluation` and :mod:`~secretkit.iam.explain`: the decision, and
  why, in plain English and in AWS's AccessDenied messages;
* :class:`Authorizer`: the one call a service makes per operation, and
  :mod:`~secretkit.iam.keys`: the condition keys a service passes with it;
* :mod:`~secretkit.iam.analysis`: whether a resource policy opens the resource to anyone;
* :class:`Iam` and :class:`Sts`: the IAM and STS APIs.

A service asks, for each operation::

    decision = authorizer.require(caller, "secretsmanager:GetSecretValue", secret_arn,
                                  service="secretsmanager", resource_policy=policy,
                                  keys={...}, region=region, shown_resource=SecretId)
"""

from .analysis import grants_broad_access
from .authorizer import Authorizer
from .directory import Account, Directory
from .documents import Policy, PolicyKind, check_principals_exist, load_policy
from .evaluation import ConditionOutcome, Decision, StatementMatch, evaluate
from .explain import access_denied, access_denied_message, explain
from .keys import kms_keys, parameter_arn, parameter_keys, secret_keys, via_service
from .managed import aws_managed_key_policy, aws_policy_arn, default_key_policy
from .principals import Caller, Role, Root, ServicePrincipal, Session, User
from .request import AccessRequest
from .service import Iam
from .sts import Sts

__all__ = [
    "AccessRequest",
    "Account",
    "Authorizer",
    "Caller",
    "ConditionOutcome",
    "Decision",
    "Directory",
    "Iam",
    "Policy",
    "PolicyKind",
    "Role",
    "Root",
    "ServicePrincipal",
    "Session",
    "StatementMatch",
    "Sts",
    "User",
    "access_denied",
    "access_denied_message",
    "aws_managed_key_policy",
    "aws_policy_arn",
    "check_principals_exist",
    "default_key_policy",
    "evaluate",
    "explain",
    "grants_broad_access",
    "kms_keys",
    "load_policy",
    "parameter_arn",
    "parameter_keys",
    "secret_keys",
    "via_service",
]
