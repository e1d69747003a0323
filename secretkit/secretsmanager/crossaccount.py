"""CreateSecret's ``CrossAccountPrimaryARN``: a replica of a primary secret in another account.

A Cloud holds one account, so no such primary can exist: the member's form is checked as
AWS documents it, and then the call gets AWS's answer for a secret it cannot find.
"""

from __future__ import annotations

from ..core.checks import check_length, check_str, fail

__all__ = ["refuse_cross_account_primary"]


def refuse_cross_account_primary(arn: object, account_id: str, region: str, kms_key_id: object,
                                  *not_allowed: object) -> None:
    """CreateSecret's ``CrossAccountPrimaryARN``: the replica of a primary secret in another
    account. Its form is checked as AWS documents it (same Region, a customer managed key,
    none of the members a replica takes from its primary); then, since a Cloud holds one
    account, no such primary exists, and AWS's answer for a secret it cannot find is given."""
    check_length(check_str(arn, "CrossAccountPrimaryARN"), "CrossAccountPrimaryARN", 20, 2048)
    if any(value is not None for value in not_allowed):
        raise fail("InvalidParameterException", "A cross-account replica can't include SecretString, SecretBinary, "
                                                 "Description, AddReplicaRegions or Type.")
    if kms_key_id is None:
        raise fail("InvalidParameterException", "A cross-account replica needs a customer managed KMS key in KmsKeyId.")
    parts = arn.split(":", 6)
    if len(parts) != 7 or parts[:3] != ["arn", "aws", "secretsmanager"] or parts[5] != "secret":
        raise fail("InvalidParameterException", "CrossAccountPrimaryARN must be the ARN of a secret.")
    if parts[3] != region:
        raise fail("InvalidParameterException", "The primary secret must be in the same Region as the replica.")
    if parts[4] == account_id:
        raise fail("InvalidParameterException", "The primary secret must be in another AWS account.")
    raise fail("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
