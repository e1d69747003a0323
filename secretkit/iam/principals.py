"""Who can make a request: the root user, IAM users, role sessions and AWS services.

Every caller has an ARN, an account and a kind:

``Root``
    ``arn:aws:iam::ACCT:root``, the account itself. It may do anything to its own
    account's resources; only an explicit deny (for example in a secret's resource policy)
    or a KMS key policy that does not grant the account stops it. It cannot assume roles.
``User``
    ``arn:aws:iam::ACCT:user/<path><name>``, with long-term access keys (``AKIA...``) and
    the policies attached to it.
``Session``
    What ``sts:AssumeRole`` hands out: ``arn:aws:sts::ACCT:assumed-role/<role>/<session>``
    (no role path), temporary keys (``ASIA...``) with a session token and an expiry on the
    simulated clock. It acts with the role's policies, narrowed by a session policy if
    one was passed.
``ServicePrincipal``
    An AWS service acting on its own behalf (``secretsmanager.amazonaws.com`` invoking a
    rotation function). It has no identity policies: only a resource policy naming it
    can let it in.

Users and roles are kept by :mod:`secretkit.iam.directory`; the records here only hold
their state. ``identity_policies()`` gives each caller's policies with the labels
explanations need, built once and rebuilt only when something changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Union

from .documents import Policy

__all__ = [
    "AccessKey",
    "Caller",
    "InlinePolicy",
    "ManagedPolicy",
    "PolicySource",
    "Role",
    "Root",
    "ServicePrincipal",
    "Session",
    "User",
    "path_arn",
]


def path_arn(account_id: str, kind: str, path: str, name: str) -> str:
    """``arn:aws:iam::ACCT:user/dev/alice`` for a user named alice at path ``/dev/``."""
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


@dataclass(frozen=True, slots=True)
class PolicySource:
    """Where a statement came from, for explanations and SimulatePrincipalPolicy.

    ``kind`` is the policy type AWS names in its messages: ``identity-based``,
    ``resource-based``, ``session`` or ``role trust``. ``source_type`` is the simulator's
    ``SourcePolicyType``: ``user``, ``role``, ``aws-managed``, ``user-managed``,
    ``resource`` or ``none``.
    """

    kind: str
    name: str
    owner: str
    source_type: str

    @property
    def title(self) -> str:
        """``inline policy 'read' on role app-reader``, ``managed policy 'X'``..."""
        if self.source_type in ("user", "role"):
            return f"inline policy '{self.name}' on {self.owner}"
        if self.source_type in ("aws-managed", "user-managed"):
            which = "AWS managed" if self.source_type == "aws-managed" else "managed"
            return f"{which} policy '{self.name}' attached to {self.owner}"
        if self.kind == "session":
            return f"the session policy of {self.owner}"
        return f"the {self.name} of {self.owner}" if self.owner else f"the {self.name}"


@dataclass(slots=True, eq=False)
class InlinePolicy:
    """A policy embedded in one user or role."""

    name: str
    text: str
    policy: Policy


@dataclass(slots=True, eq=False)
class ManagedPolicy:
    """A standalone policy (customer managed, or AWS managed) that can be attached."""

    arn: str
    name: str
    path: str
    policy_id: str
    created: datetime
    text: str
    policy: Policy
    aws_managed: bool = False
    description: str = ""
    attachments: int = 0
    updated: datetime | None = None
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class AccessKey:
    """A long-term key pair of a user or of the root user (at most two per owner)."""

    key_id: str
    secret: str
    owner: "User | Root"
    created: datetime
    status: str = "Active"


Sources = tuple[tuple[PolicySource, Policy], ...]


class _Entity:
    """What users and roles share: inline and attached policies, tags, a policy cache."""

    __slots__ = ()
    kind_word = ""

    def identity_policies(self) -> Sources:
        cached = self._cache  # type: ignore[attr-defined]
        if cached is None:
            owner = f"{self.kind_word} {self.name}"  # type: ignore[attr-defined]
            inline = tuple(
                (PolicySource("identity-based", p.name, owner, self.kind_word), p.policy)
                for p in self.inline.values()  # type: ignore[attr-defined]
            )
            managed = tuple(
                (PolicySource("identity-based", m.name, owner, "aws-managed" if m.aws_managed else "user-managed"), m.policy)
                for m in self.attached  # type: ignore[attr-defined]
            )
            cached = self._cache = inline + managed  # type: ignore[attr-defined]
        return cached  # type: ignore[no-any-return]

    def changed(self) -> None:
        """Forget the cached policy list and context keys (call after any change)."""
        self._cache = None  # type: ignore[attr-defined]
        self._keys = None  # type: ignore[attr-defined]


@dataclass(slots=True, eq=False)
class Root:
    """The root user of one account."""

    account_id: str
    created: datetime
    access_keys: list[AccessKey] = field(default_factory=list)
    _keys: dict[str, tuple[str, ...]] | None = None
    arn: str = field(init=False, default="")
    match_arns: frozenset[str] = field(init=False, default=frozenset())

    kind = "root"
    is_root = True
    is_service = False
    session_policies: ClassVar[tuple[()]] = ()
    _cache: ClassVar[tuple[()]] = ()  # its identity policies: none, ever (as for users and roles, below)

    def __post_init__(self) -> None:
        self.arn = f"arn:aws:iam::{self.account_id}:root"
        self.match_arns = frozenset((self.arn,))

    @property
    def name(self) -> str:
        return "root"

    @property
    def user_id(self) -> str:
        return self.account_id

    @property
    def label(self) -> str:
        return f"the root user of account {self.account_id}"

    def identity_policies(self) -> Sources:
        return ()

    def changed(self) -> None:
        self._keys = None


@dataclass(slots=True, eq=False)
class User(_Entity):
    """An IAM user."""

    account_id: str
    name: str
    path: str
    user_id: str
    created: datetime
    tags: list[dict[str, str]] = field(default_factory=list)
    inline: dict[str, InlinePolicy] = field(default_factory=dict)  # lower-cased name -> policy
    attached: list[ManagedPolicy] = field(default_factory=list)
    access_keys: list[AccessKey] = field(default_factory=list)
    _cache: Sources | None = None
    _keys: dict[str, tuple[str, ...]] | None = None
    arn: str = field(init=False, default="")
    match_arns: frozenset[str] = field(init=False, default=frozenset())

    kind = "user"
    kind_word = "user"
    is_root = False
    is_service = False
    session_policies: ClassVar[tuple[()]] = ()

    def __post_init__(self) -> None:
        # A user's name and path never change, so neither does its ARN.
        self.arn = path_arn(self.account_id, "user", self.path, self.name)
        self.match_arns = frozenset((self.arn,))

    @property
    def label(self) -> str:
        return f"user {self.name}"


@dataclass(slots=True, eq=False)
class Role(_Entity):
    """An IAM role: a trust policy saying who may assume it, and its permissions."""

    account_id: str
    name: str
    path: str
    role_id: str
    created: datetime
    trust: Policy
    description: str | None = None
    max_session: int = 3600
    tags: list[dict[str, str]] = field(default_factory=list)
    inline: dict[str, InlinePolicy] = field(default_factory=dict)
    attached: list[ManagedPolicy] = field(default_factory=list)
    last_used: tuple[datetime, str] | None = None
    _cache: Sources | None = None
    _keys: dict[str, tuple[str, ...]] | None = None
    arn: str = field(init=False, default="")

    kind_word = "role"

    def __post_init__(self) -> None:
        self.arn = path_arn(self.account_id, "role", self.path, self.name)


@dataclass(slots=True, eq=False)
class Session:
    """Temporary credentials for a role (the result of AssumeRole)."""

    role: Role
    session_name: str
    key_id: str
    secret: str
    token: str
    issued: datetime
    expires: datetime
    source_arn: str
    session_policies: Sources = ()
    _keys: dict[str, tuple[str, ...]] | None = None
    account_id: str = field(init=False, default="")
    arn: str = field(init=False, default="")
    match_arns: frozenset[str] = field(init=False, default=frozenset())

    kind = "session"
    is_root = False
    is_service = False

    def __post_init__(self) -> None:
        role = self.role
        self.account_id = role.account_id
        self.arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{self.session_name}"
        self.match_arns = frozenset((self.arn, role.arn))

    @property
    def name(self) -> str:
        return self.session_name

    @property
    def user_id(self) -> str:
        return f"{self.role.role_id}:{self.session_name}"

    @property
    def label(self) -> str:
        return f"role {self.role.name} (session {self.session_name})"

    def identity_policies(self) -> Sources:
        return self.role.identity_policies()

    def changed(self) -> None:
        self._keys = None


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    """An AWS service calling on its own behalf, such as ``secretsmanager.amazonaws.com``."""

    service: str
    account_id: str = ""

    kind = "service"
    is_root = False
    is_service = True
    session_policies: ClassVar[tuple[()]] = ()

    @property
    def arn(self) -> str:
        return self.service

    @property
    def label(self) -> str:
        return f"the service principal {self.service}"

    @property
    def match_arns(self) -> frozenset[str]:
        return frozenset()

    def identity_policies(self) -> Sources:
        return ()


#: Anyone who can make a request.
Caller = Union[Root, User, Session, ServicePrincipal]
