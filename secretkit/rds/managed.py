"""RDS's side of ``ManageMasterUserPassword``: the master user secret RDS makes, rotates and
deletes in Secrets Manager.

With ``ManageMasterUserPassword=True`` RDS generates the master password itself, never shows
it, and keeps it in a secret of its own:

* named ``rds!db-<uuid>`` for an instance, ``rds!cluster-<uuid>`` for a cluster;
* holding only ``{"username": ..., "password": ...}`` (no host or port: the multi-user
  rotation templates look those up with DescribeDBInstances, by the secret's tag);
* encrypted under ``MasterUserSecretKmsKeyId`` if given, else ``aws/secretsmanager``;
* tagged ``aws:rds:primaryDBInstanceArn`` (or ``aws:rds:primaryDBClusterArn``) and
  ``aws:secretsmanager:owningService: rds``, with ``OwningService: rds``;
* rotated by RDS every 7 days, with no Lambda function (Secrets Manager's managed rotation:
  see :mod:`secretkit.secretsmanager.owned`), the database's master password changing with it;
* deleted when the instance is deleted or management is turned off.

It costs what any secret costs: $0.40 a secret-month on the price list, prorated by the hour,
plus the API calls made on it. RDS reaches Secrets Manager only through the callable the
Cloud hands it, never by importing it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import ClientError
from ..core.ids import random_password
from ..core.service import Env
from .checks import fail
from .records import MasterSecret

if TYPE_CHECKING:
    from ..databases import Database

__all__ = ["MANAGED_ROTATION_DAYS", "MasterSecrets", "PASSWORD_EXCLUDES"]

OWNER = "rds"
#: RDS rotates the secrets it manages every 7 days unless the schedule is changed.
MANAGED_ROTATION_DAYS = 7
#: Kept out of the passwords RDS makes here: RDS refuses / " @ and space, and : ' \ break
#: connection strings (AWS's rotation templates leave out the same characters).
PASSWORD_EXCLUDES = ":/@\"'\\"
_PASSWORD_LENGTH = 32


class _MasterRotator:
    """What RDS does when its secret rotates: a new password for the same user, set on the database."""

    def __init__(self, secrets: MasterSecrets, database: Database) -> None:
        self.secrets = secrets
        self.database = database

    def new_value(self, current: str) -> str:
        value = json.loads(current)
        return json.dumps({"username": value["username"], "password": self.secrets.new_password()})

    def apply(self, value: str) -> None:
        credentials = json.loads(value)
        self.database.reset_password(credentials["username"], credentials["password"])


class MasterSecrets:
    """The master user secrets RDS keeps in this region's Secrets Manager."""

    def __init__(self, env: Env, secrets: Callable[[], Any] | None) -> None:
        self.env = env
        self._secrets = secrets  # () -> this region's Secrets Manager, as the Cloud hands it

    def _owned(self) -> Any:
        if self._secrets is None:
            raise fail("InvalidParameterCombination", "This RDS was built without Secrets Manager: "
                       "ManageMasterUserPassword is not available here.")
        return self._secrets().owned

    def new_password(self) -> str:
        """A password RDS makes (drawn from the Cloud's seeded source, so runs reproduce)."""
        password = random_password(self.env.ids.rng, _PASSWORD_LENGTH, exclude_characters=PASSWORD_EXCLUDES)
        assert password is not None
        return password

    def create(
        self, kind: str, resource_arn: str, username: str, password: str, database: Database, kms_key_id: str | None
    ) -> MasterSecret:
        """Make the secret for an instance (``kind="db"``) or cluster (``"cluster"``) whose database
        already has ``password``; ``KMSKeyNotAccessibleFault`` (and nothing made) if the key can't be used."""
        noun, tag = ("DB instance", "aws:rds:primaryDBInstanceArn") if kind == "db" else (
            "DB cluster", "aws:rds:primaryDBClusterArn")
        try:
            made = self._owned().create(
                OWNER,
                name=f"rds!{kind}-{self.env.ids.uuid()}",
                value=json.dumps({"username": username, "password": password}),
                rotator=_MasterRotator(self, database),
                rotation_rules={"AutomaticallyAfterDays": MANAGED_ROTATION_DAYS},
                description=f"Secret associated with primary RDS {noun}: {resource_arn}",
                kms_key_id=kms_key_id,
                tags=[{"Key": tag, "Value": resource_arn}, {"Key": "aws:secretsmanager:owningService", "Value": OWNER}],
            )
        except ClientError as exc:
            if exc.code in ("EncryptionFailure", "DecryptionFailure"):
                raise fail(
                    "KMSKeyNotAccessibleFault",
                    f"The specified KMS key [{kms_key_id or 'alias/aws/secretsmanager'}] does not exist, is not "
                    "enabled or you do not have permissions to access it.",
                ) from None
            raise
        return MasterSecret(made["ARN"], made["KmsKeyArn"])

    def delete(self, secret: MasterSecret) -> None:
        """RDS is done with the secret (its instance is deleted, or management is off)."""
        self._owned().delete(OWNER, secret.arn)

    def rotate(self, secret: MasterSecret) -> bool:
        """Rotate now (``RotateMasterUserPassword``): the database and the secret change together."""
        return bool(self._owned().rotate(OWNER, secret.arn))

    def describe(self, secret: MasterSecret) -> dict[str, str]:
        """``MasterUserSecret`` as the describe calls show it."""
        return {"SecretArn": secret.arn, "SecretStatus": self._owned().status(secret.arn), "KmsKeyId": secret.kms_key_arn}
