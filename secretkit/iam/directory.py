"""Every account's IAM state and every credential, in one place.

A Cloud may hold several accounts (so cross-account access can be taught). Each
:class:`Account` has its root user, its users and roles (names unique ignoring case, as
IAM keeps them), its customer managed policies and its view of the AWS managed ones. The
:class:`Directory` owns the accounts and the index from access key id to owner, so that
credentials presented anywhere resolve to one principal, and principals named in a policy
can be checked for existence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .bridge import ACCOUNT_ID, Ids, SimClock
from .credentials import KeyOwner, access_key_id, resolve, secret_key, session_token, unique_id
from .documents import PolicyKind, load_policy
from .managed import AWS_MANAGED, AWS_MANAGED_CREATED, aws_managed_document, aws_policy_arn, aws_policy_id
from .principals import AccessKey, Caller, ManagedPolicy, PolicySource, Role, Root, Session, User

__all__ = ["Account", "Directory", "MAX_KEYS"]

#: Access keys a user (or the root user) may hold at once.
MAX_KEYS = 2
_ACCOUNT_RE = re.compile(r"\d{12}", re.ASCII)
_ARN_RE = re.compile(r"arn:aws:(iam|sts)::(\d{12}):(root|user/.+|role/.+|assumed-role/[^/]+/.+)", re.ASCII)


@dataclass(slots=True, eq=False)
class Account:
    """One AWS account's IAM: root user, users, roles, managed policies."""

    account_id: str
    root: Root
    users: dict[str, User] = field(default_factory=dict)  # lower-cased name -> user
    roles: dict[str, Role] = field(default_factory=dict)
    policies: dict[str, ManagedPolicy] = field(default_factory=dict)  # customer managed, by ARN
    aws_policies: dict[str, ManagedPolicy] = field(default_factory=dict)  # AWS managed, by ARN (made on first use)

    def user(self, name: str) -> User | None:
        return self.users.get(name.lower())

    def role(self, name: str) -> Role | None:
        return self.roles.get(name.lower())

    def managed(self, arn: str) -> ManagedPolicy | None:
        """A customer managed policy of this account, or an AWS managed one, by ARN."""
        found = self.policies.get(arn)
        if found is None and arn.startswith("arn:aws:iam::aws:policy/"):
            found = self.aws_policies.get(arn)
            if found is None:
                name = arn.rsplit("/", 1)[-1]
                if name in AWS_MANAGED and aws_policy_arn(name) == arn:
                    found = self.aws_policies[arn] = _aws_managed(name)
        return found

    def all_aws_policies(self) -> list[ManagedPolicy]:
        """Every AWS managed policy the kit knows, as this account sees it."""
        return [self.managed(aws_policy_arn(name)) for name in AWS_MANAGED]  # type: ignore[misc]


def _aws_managed(name: str) -> ManagedPolicy:
    path, description, _ = AWS_MANAGED[name]
    text = aws_managed_document(name)
    return ManagedPolicy(
        arn=aws_policy_arn(name), name=name, path=path, policy_id=aws_policy_id(name), created=AWS_MANAGED_CREATED,
        text=text, policy=load_policy(text, PolicyKind.MANAGED), aws_managed=True, description=description,
        updated=AWS_MANAGED_CREATED,
    )


class Directory:
    """All accounts, all credentials; the state IAM and STS operate on."""

    def __init__(self, clock: SimClock, ids: Ids, default_account: str = ACCOUNT_ID) -> None:
        self.clock = clock
        self.ids = ids
        self.default_account = default_account
        self.accounts: dict[str, Account] = {}
        self.keys: dict[str, KeyOwner] = {}  # access key id -> AccessKey or Session
        self.account(default_account)

    # ------------------------------------------------------------------ accounts
    def account(self, account_id: str) -> Account:
        """The account ``account_id`` (12 digits), made on first use with its root user."""
        found = self.accounts.get(account_id)
        if found is None:
            if not isinstance(account_id, str) or not _ACCOUNT_RE.fullmatch(account_id):
                raise ValueError(f"an account id is 12 digits, got {account_id!r}")
            found = self.accounts[account_id] = Account(account_id, Root(account_id, self.clock.now))
        return found

    def root(self, account_id: str | None = None) -> Root:
        """The root user of ``account_id`` (the default account when omitted)."""
        return self.account(account_id or self.default_account).root

    # ------------------------------------------------------------------ lookups
    def find(self, arn: str) -> Caller | Role | None:
        """The root user, user, role or live session an ARN names, or ``None``."""
        m = _ARN_RE.fullmatch(arn) if isinstance(arn, str) else None
        if m is None or m.group(2) not in self.accounts:
            return None
        account = self.accounts[m.group(2)]
        rest = m.group(3)
        if rest == "root":
            return account.root if m.group(1) == "iam" else None
        kind, _, tail = rest.partition("/")
        if kind == "assumed-role":
            role_name, _, session_name = tail.partition("/")
            for owner in self.keys.values():
                if isinstance(owner, Session) and owner.role.account_id == account.account_id \
                        and owner.role.name == role_name and owner.session_name == session_name:
                    return owner
            return None
        name = tail.rsplit("/", 1)[-1]
        entity = account.user(name) if kind == "user" else account.role(name)
        return entity if entity is not None and entity.arn == arn else None

    def exists(self, arn: str) -> bool:
        """Whether a user or role ARN names an entity that exists (for policy checks)."""
        return self.find(arn) is not None

    # --------------------------------------------------------------- credentials
    def new_access_key(self, owner: User | Root) -> AccessKey:
        """A fresh ``AKIA...`` key pair for ``owner`` (the caller checks the two-key quota)."""
        key = AccessKey(access_key_id(self.ids), secret_key(self.ids), owner, self.clock.now)
        owner.access_keys.append(key)
        self.keys[key.key_id] = key
        return key

    def remove_access_key(self, key: AccessKey) -> None:
        key.owner.access_keys.remove(key)
        self.keys.pop(key.key_id, None)

    def new_session(self, role: Role, name: str, seconds: int, source_arn: str,
                    session_policies: tuple[tuple[PolicySource, object], ...] = ()) -> Session:
        """Temporary credentials for ``role``, valid ``seconds`` from now on the simulated clock."""
        now = self.clock.now
        session = Session(role, name, access_key_id(self.ids, temporary=True), secret_key(self.ids),
                          session_token(self.ids), now, now + timedelta(seconds=seconds), source_arn,
                          session_policies)  # type: ignore[arg-type]
        self.keys[session.key_id] = session
        return session

    def signing_key(self, access_key_id: str) -> tuple[str, str | None, bool, Caller] | None:
        """What a door needs to check a request signed with ``access_key_id``: the secret key,
        the session token the request must carry (temporary credentials only), whether the
        credentials have expired on the simulated clock, and the caller they stand for.
        ``None`` for a key id the Cloud never issued, has deleted, or that is inactive (AWS
        answers all three alike: the security token is invalid)."""
        owner = self.keys.get(access_key_id)
        if owner is None:
            return None
        if isinstance(owner, Session):
            return owner.secret, owner.token, self.clock.now >= owner.expires, owner
        if owner.status != "Active":
            return None
        return owner.secret, None, False, owner.owner

    def resolve(self, access_key_id: object, secret_access_key: object = None, session_token: object = None,
                *, service: str = "sts", now: datetime | None = None) -> Caller:
        """The caller these credentials belong to, or the AWS error ``service`` answers
        (see :func:`secretkit.iam.credentials.resolve`)."""
        return resolve(self.keys, access_key_id, secret_access_key, session_token, service=service,
                       now=now or self.clock.now)

    def unique_id(self, prefix: str) -> str:
        """A fresh ``AIDA...``/``AROA...``/``ANPA...`` id from the seeded ids."""
        return unique_id(self.ids, prefix)
