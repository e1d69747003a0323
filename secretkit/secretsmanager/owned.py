"""Secrets another AWS service owns: how Secrets Manager keeps them, what the account may do
to them, and how they rotate without a Lambda function.

Some services make secrets of their own in your account and manage them for you. RDS does
it for a DB instance or cluster created with ``ManageMasterUserPassword``: it keeps the
master user's credentials in a secret named ``rds!db-<uuid>`` (``rds!cluster-<uuid>``).
Such a secret is an ordinary secret in most ways (it is encrypted the same way, read with
the same calls, and costs what any secret costs), with three differences:

1. **It names its owner.** DescribeSecret and ListSecrets show ``OwningService: "rds"``,
   and ListSecrets' ``owning-service`` filter finds it.
2. **Only the owner changes it.** A call from the account that would change it
   (PutSecretValue, UpdateSecret, UpdateSecretVersionStage, DeleteSecret,
   CancelRotateSecret, TagResource, UntagResource, Put/DeleteResourcePolicy, replication)
   fails with ``InvalidRequestException`` and AWS's documented cause, "The secret is managed
   by another service, and you must use that service to update it." It goes away when the
   owner is done with it: RDS deletes it with the instance, or when management is turned off.
3. **Its rotation is managed.** There is no rotation function. RotateSecret *without* a
   ``RotationLambdaARN`` is allowed: its ``RotationRules`` change the managed schedule, and
   it rotates at once unless ``RotateImmediately=False``; naming a function fails as above.
   At each rotation Secrets Manager asks the owner for the next value
   (:meth:`Rotator.new_value`), stores it as ``AWSPENDING``, has the owner apply it to the
   resource (:meth:`Rotator.apply`: the database's password changes), and only then moves
   ``AWSCURRENT`` to it (``AWSPREVIOUS`` follows) and drops ``AWSPENDING``. If the value
   cannot be stored or applied, nothing moves: the secret still holds the password the
   database accepts, a ``RotationFailed`` notice is logged, and the next window tries again.
   AWS says managed rotation "typically completes within one minute"; here it completes at
   the instant it starts.

The owner reaches these secrets through :class:`OwnedSecrets` (``SecretsManager.owned``),
which the Cloud hands it as a callable, as it hands every service what it may reach of
another. What the owner does is logged as calls made by the service itself
(``rds.amazonaws.com``); the rotations the clock runs are logged as notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..core.checks import fail
from ..core.context import caller, note, service_principal, touch
from ..core.service import operation
from .records import CURRENT, PENDING, Secret
from .store import MANAGED_BY_SERVICE, Part, SecretStore

if TYPE_CHECKING:
    from .rotation import Rotation

__all__ = ["OwnedSecrets", "Rotator"]


class Rotator(Protocol):
    """What the owning service does when its secret rotates."""

    def new_value(self, current: str) -> str:
        """The next secret value, made from the current one (a new password, same user)."""

    def apply(self, value: str) -> None:
        """Make the resource accept ``value`` (change the database password); raise if it cannot."""


class OwnedSecrets(Part):
    """The secrets of this region that other services own, and the calls their owners make."""

    def __init__(self, store: SecretStore, rotation: Rotation) -> None:
        super().__init__(store)
        self.rotation = rotation
        self.rotators: dict[str, Rotator] = {}  # secret ARN -> what its owner does on rotation
        self.impaired: set[str] = set()  # ARNs whose last rotation failed

    # ------------------------------------------------------------------ the owner's calls
    def create(
        self,
        owner: str,
        *,
        name: str,
        value: str,
        rotator: Rotator,
        rotation_rules: dict[str, Any],
        description: str | None = None,
        kms_key_id: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """Make a secret ``owner`` owns, rotated on ``rotation_rules`` by ``rotator``.

        Returns ``ARN``, ``Name``, ``VersionId`` and ``KmsKeyArn`` (the key that encrypts it).
        Raises ``EncryptionFailure`` (and keeps nothing) when the KMS key cannot be used.
        """
        with caller(service_principal(owner)):
            return self._create(
                Owner=owner, Name=name, Value=value, OnRotate=rotator, Rules=rotation_rules,
                Description=description, KmsKeyId=kms_key_id, Tags=tags or [],
            )

    def delete(self, owner: str, arn: str) -> None:
        """The owner is done with its secret: it is deleted at once, without a recovery window."""
        with caller(service_principal(owner)):
            self._delete(Owner=owner, SecretId=arn)

    def rotate(self, owner: str, arn: str) -> bool:
        """Rotate the owner's secret now (RDS's ``RotateMasterUserPassword``); True if it rotated."""
        return self.run(self._owned_by(owner, arn))

    def key_arn(self, arn: str) -> str:
        """The ARN of the KMS key that encrypts the secret (RDS shows it in ``MasterUserSecret``)."""
        return self.store.key_for(self.store.find(arn)).arn

    def status(self, arn: str) -> str:
        """``"active"``, or ``"impaired"`` while the last rotation has failed (RDS's SecretStatus)."""
        return "impaired" if arn in self.impaired else "active"

    @operation("CreateSecret")
    def _create(
        self, *, Owner: str, Name: str, Value: str, OnRotate: Rotator, Rules: dict[str, Any],
        Description: str | None, KmsKeyId: str | None, Tags: list[dict[str, str]],
    ) -> dict[str, Any]:
        store = self.store
        if Name in store.by_name:
            raise fail("ResourceExistsException", f"The operation failed because the secret {Name} already exists.")
        now = self.env.clock.now
        secret = Secret(Name, f"{store.arn_prefix}{Name}-{self.env.ids.suffix()}", now, Description, KmsKeyId,
                        [dict(t) for t in Tags], owning_service=Owner)
        touch(secret.arn, owner=Owner)
        token = self.env.ids.uuid()
        store.new_version(secret, token, Value.encode(), False)  # EncryptionFailure before anything is kept
        secret.attach(CURRENT, token)
        secret.last_changed = now
        secret.rotation_enabled = True
        secret.rotation_rules = dict(Rules)
        store.add(secret)
        store.lifecycle("start", secret)
        self.rotators[secret.arn] = OnRotate
        self.rotation.reschedule(secret, now)
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token, "KmsKeyArn": store.key_for(secret).arn}

    @operation("DeleteSecret")
    def _delete(self, *, Owner: str, SecretId: str) -> dict[str, Any]:
        secret = self._owned_by(Owner, SecretId)
        note(ForceDeleteWithoutRecovery=True)
        self.store.lifecycle("stop", secret)
        self.store.purge(secret)
        self.rotators.pop(secret.arn, None)
        self.impaired.discard(secret.arn)
        return {"ARN": secret.arn, "Name": secret.name}

    def _owned_by(self, owner: str, arn: str) -> Secret:
        secret = self.store.find(arn)
        if secret.owning_service != owner:
            raise ValueError(f"{arn} is not a secret {owner} owns")
        return secret

    # ------------------------------------------------------------------ the account's RotateSecret
    def rotate_request(
        self, secret: Secret, token: str, rules: dict[str, Any] | None, immediately: bool
    ) -> dict[str, Any]:
        """RotateSecret from the account on a secret another service owns (no function allowed)."""
        if rules is not None:
            secret.rotation_rules = rules
        note(RotateImmediately=immediately, managed_by=secret.owning_service)
        self.store.changed(secret)
        if immediately:
            self.run(secret, token)
        else:
            self.rotation.reschedule(secret, self.rotation.rotation_base(secret))
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}

    @staticmethod
    def refuse_function(function_arn: str | None) -> None:
        """A secret another service owns rotates without a Lambda function; naming one fails."""
        if function_arn is not None:
            raise fail("InvalidRequestException", MANAGED_BY_SERVICE)

    # ------------------------------------------------------------------ managed rotation
    def run(self, secret: Secret, token: str | None = None) -> bool:
        """One managed rotation, now: new value as AWSPENDING, applied by the owner, then AWSCURRENT.

        Whatever fails leaves AWSCURRENT where it was (so it still matches the database),
        logs ``RotationFailed`` and waits for the next window.
        """
        store = self.store
        rotator = self.rotators.get(secret.arn)
        if rotator is None or not store.alive(secret):
            return False
        token = token or self.env.ids.uuid()
        owner = secret.owning_service
        store.notice("RotationStarted", secret.arn, {"managed_by": owner, "token": token})
        current = secret.current()
        try:
            assert current is not None
            value = rotator.new_value(store.open_value(secret, current).decode())
            store.new_version(secret, token, value.encode(), False)
        except Exception as exc:  # noqa: BLE001 - a failed rotation is reported, never raised
            return self._failed(secret, token, "createSecret", exc)
        secret.attach(PENDING, token)
        try:
            rotator.apply(value)
        except Exception as exc:  # noqa: BLE001
            secret.detach(PENDING)
            secret.versions.pop(token, None)
            return self._failed(secret, token, "setSecret", exc)
        now = self.env.clock.now
        secret.attach(CURRENT, token)  # AWSPREVIOUS moves to the version AWSCURRENT left
        secret.detach(PENDING)
        secret.prune(now)
        secret.last_rotated = now
        self.impaired.discard(secret.arn)
        store.changed(secret)
        store.notice("RotationSucceeded", secret.arn, {"managed_by": owner, "token": token})
        self.rotation.reschedule(secret, now)
        return True

    def _failed(self, secret: Secret, token: str, step: str, exc: Exception) -> bool:
        detail = {"managed_by": secret.owning_service, "step": step, "token": token,
                  "error": f"{type(exc).__name__}: {exc}"[:300]}
        self.store.notice("RotationFailed", secret.arn, detail, "Failed")
        self.impaired.add(secret.arn)
        self.rotation.retry_later(secret)
        return False
