"""The master user's password settings, the same for an instance and a cluster: which ones
may be given together on create and modify, and what a modify does with them.

At create, exactly one of ``MasterUserPassword`` (you manage the password) and
``ManageMasterUserPassword=True`` (RDS makes it and keeps it in Secrets Manager: see
:mod:`.managed`); ``MasterUserSecretKmsKeyId`` only with the latter.

On modify:

* ``MasterUserPassword`` alone changes a password you manage. RDS applies it as soon as it
  can, whatever ``ApplyImmediately`` says, and shows ``MasterUserPassword: "****"`` in the
  answer's ``PendingModifiedValues``; here it is applied at once.
* ``ManageMasterUserPassword=True`` (without a password) hands the password to RDS: a new
  password, a new secret, optionally under ``MasterUserSecretKmsKeyId``.
* ``ManageMasterUserPassword=False`` takes it back and needs ``MasterUserPassword``; RDS
  deletes its secret and the database takes the new password.
* ``RotateMasterUserPassword=True`` rotates RDS's secret now; it needs ``ApplyImmediately``.
* While RDS manages the password, ``MasterUserPassword`` alone is refused, and so is a new
  ``MasterUserSecretKmsKeyId`` (the key of an existing secret cannot change here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.checks import check_str
from .checks import check_opt_bool, check_password, combination, invalid
from .engines import RdsEngine
from .managed import MasterSecrets
from .records import MasterSecret

if TYPE_CHECKING:
    from ..databases import Database

__all__ = ["MasterChange", "apply_master_change", "check_master_change", "check_master_create"]

BOTH = "You can't specify MasterUserPassword when ManageMasterUserPassword is set to true."
KEY_WITHOUT_MANAGE = "MasterUserSecretKmsKeyId can be specified only when ManageMasterUserPassword is set to true."


@dataclass(slots=True)
class MasterChange:
    """What a modify asks of the master password, checked."""

    manage: bool | None = None  # turn management on (True) or off (False)
    password: str | None = None  # a new password (yours)
    kms_key_id: str | None = None  # the key for a secret being made
    rotate: bool = False  # rotate RDS's secret now

    @property
    def empty(self) -> bool:
        return self.manage is None and self.password is None and not self.rotate


def check_master_create(
    engine: RdsEngine, password: object, manage: object, kms_key_id: object
) -> tuple[str | None, bool, str | None]:
    """Create-time rules: ``(password or None, manage, kms_key_id)``."""
    managed = bool(check_opt_bool(manage, "ManageMasterUserPassword"))
    if kms_key_id is not None:
        check_str(kms_key_id, "MasterUserSecretKmsKeyId")
        if not managed:
            raise combination(KEY_WITHOUT_MANAGE)
    if managed:
        if password is not None:
            raise combination(BOTH)
        return None, True, kms_key_id  # type: ignore[return-value]
    if password is None or password == "":
        raise invalid("The parameter MasterUserPassword must be provided and must not be blank.")
    return check_password(password, engine), False, None


def check_master_change(
    noun: str,
    engine: RdsEngine,
    managed_now: bool,
    apply_now: bool,
    password: object,
    manage: object,
    kms_key_id: object,
    rotate: object,
) -> MasterChange:
    """Modify-time rules (see the module docstring); ``noun`` is "DB instance" or "DB cluster"."""
    change = MasterChange(manage=check_opt_bool(manage, "ManageMasterUserPassword"))
    change.rotate = bool(check_opt_bool(rotate, "RotateMasterUserPassword"))
    if password is not None:
        change.password = check_password(password, engine)
    if kms_key_id is not None:
        check_str(kms_key_id, "MasterUserSecretKmsKeyId")
        if change.manage is not True:
            raise combination(KEY_WITHOUT_MANAGE)
        if managed_now:
            raise combination(
                f"You can't change the KMS key of the secret of a {noun} that already manages its master user "
                "password in Secrets Manager."
            )
        change.kms_key_id = kms_key_id  # type: ignore[assignment]
    if change.manage is True and change.password is not None:
        raise combination(BOTH)
    if change.manage is False and managed_now and change.password is None:
        raise combination("MasterUserPassword must be provided when ManageMasterUserPassword is set to false.")
    if change.manage is None and managed_now and change.password is not None:
        raise combination(
            f"You can't specify MasterUserPassword for a {noun} whose master user password is managed in "
            "Secrets Manager. Set ManageMasterUserPassword to false to manage it yourself."
        )
    if change.manage is True and managed_now:
        change.manage = None  # already so: nothing to do
    if change.manage is False and not managed_now:
        change.manage = None
    if change.rotate:
        if not managed_now or change.manage is not None:
            raise combination(
                f"RotateMasterUserPassword can be set only for a {noun} whose master user password is managed "
                "in Secrets Manager, and not together with ManageMasterUserPassword."
            )
        if not apply_now:
            raise combination("You must set ApplyImmediately when you rotate the master user password.")
    return change


def apply_master_change(
    change: MasterChange,
    secrets: MasterSecrets,
    kind: str,
    resource_arn: str,
    username: str,
    database: Database,
    current: MasterSecret | None,
) -> MasterSecret | None:
    """Carry a checked change out; returns the resource's master secret afterwards.

    The step that can fail (making a secret under a KMS key) comes first, so a failure
    changes nothing.
    """
    if change.manage is True:
        password = secrets.new_password()
        made = secrets.create(kind, resource_arn, username, password, database, change.kms_key_id)
        database.reset_password(username, password)
        return made
    if change.password is not None:
        database.reset_password(username, change.password)
    if change.manage is False and current is not None:
        secrets.delete(current)
        return None
    if change.rotate and current is not None:
        secrets.rotate(current)
    return current
