"""The Cloud: one simulated AWS account with regions, one clock, one seeded random source.

>>> cloud = Cloud(seed=0, start="2026-01-01")
>>> sm = cloud.secretsmanager("us-east-1")          # the model, called directly
>>> sm.create_secret(Name="demo", SecretString="hello")["Name"]
'demo'
>>> sm.get_secret_value(SecretId="demo")["SecretString"]
'hello'

``cloud.client("secretsmanager", region_name="us-east-1")`` gives a genuine boto3 client
over the same model (see :mod:`secretkit.doors.inprocess`), and ``cloud.serve()`` serves it
over HTTP to the AWS CLI and any SDK (see :mod:`secretkit.doors.serving`). ``cloud.clock.advance(days=30)``
moves time and runs everything that falls due: purges, key deletions, rotations, replication.
``cloud.save(path)`` writes the whole Cloud to a file and ``Cloud.load(path)`` brings it back,
in another kernel or process (see :mod:`secretkit.saving`).

The Cloud is the one place that knows every service: :mod:`secretkit.assembly` says how it
builds each one and what it hands it of the others.

Access control (:mod:`secretkit.iam`) is enforced on every call of every service: a
client's credentials decide who calls (none: the account's root user), and
:meth:`Cloud.explain` says why a call was allowed or denied. A Cloud may hold more than one
account (:meth:`Cloud.kit_add_account`), so that cross-account access can be tried. A Lambda
function runs as its execution role, which must exist and trust ``lambda.amazonaws.com``
(see :func:`secretkit.assembly.execution_role_credentials`); handing it the role needs
``iam:PassRole``.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable

from .core.checks import ascii_int
from .core.clock import SimClock
from .core.events import EventLog
from .core.ids import Ids
from .assembly import SERVICES
from .core.service import ACCOUNT_ID, Env
from .eventbridge import EventBridge
from .kms import Kms
from .secretsmanager import SecretsManager
from .ssm import ParameterStore

if TYPE_CHECKING:
    from .awslambda.service import Lambda
    from .cloudformation import CloudFormation
    from .doors.serving import Serving
    from .iam import Authorizer, Directory, Iam, Sts
    from .iam.enforce import Enforcer
    from .rds import Rds

__all__ = ["Cloud", "REGIONS"]

#: The commercial regions the model knows (enough for every lab; add more freely).
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "af-south-1",
    "me-south-1",
)

class Cloud:
    """One simulated AWS account (id ``123456789012``), and any others added with
    :meth:`kit_add_account`."""

    def __init__(self, seed: int = 0, start: str | date | datetime = "2026-01-01") -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        self.seed = seed
        self.account_id = ACCOUNT_ID
        self.clock = SimClock(start)
        #: The Cloud's one lock (re-entrant; the clock's): every operation and every clock
        #: step hold it, so threads (widgets' callbacks, the endpoint's) can share the Cloud.
        self.lock = self.clock.lock
        self.start = self.clock.now
        self.ids = Ids(seed)
        self.request_ids = Ids(f"{seed}/requests")
        self.events = EventLog()
        self._envs: dict[tuple[str, str], Env] = {}
        self.extensions: dict[str, Any] = {}  # room for what is built on the Cloud (the databases)
        self._function_clients: dict[tuple[str, str, str | None], Any] = {}
        self._access: tuple[Directory, Authorizer] | None = None
        self._enforcer: Enforcer | None = None
        self._iams: dict[str, Iam] = {}
        self._accounts: list[str] = [ACCOUNT_ID]

    # ------------------------------------------------------------------ regions
    def env(self, region: str, account_id: str | None = None) -> Env:
        """The environment of one region of one account (the Cloud's own when omitted; made on first use)."""
        account = account_id or self.account_id
        env = self._envs.get((account, region))
        if env is None:
            if region not in REGIONS:
                raise ValueError(f"unknown region {region!r}; secretkit knows: {', '.join(REGIONS)}")
            if account not in self._accounts:
                raise ValueError(f"unknown account {account!r}; this Cloud has {', '.join(self._accounts)} "
                                 "(add one with cloud.kit_add_account(...))")
            with self.lock:  # two threads' first use of a region make one Env
                env = self._envs.get((account, region))
                if env is None:
                    env = Env(region, self.clock, self.ids, self.events, account)
                    env.guard = self.enforcer()
                    self._envs[(account, region)] = env
        return env

    @property
    def regions(self) -> list[str]:
        """The regions used so far (in any account)."""
        return list(dict.fromkeys(region for _, region in self._envs))

    @property
    def accounts(self) -> list[str]:
        """The accounts of this Cloud: its own first, then those added with :meth:`kit_add_account`."""
        return list(self._accounts)

    def service(self, name: str, region: str = "us-east-1", account_id: str | None = None) -> Any:
        """The model of service ``name`` in ``region`` of ``account_id`` (the Cloud's own
        account when omitted; made on first use)."""
        env = self.env(region, account_id)
        svc = env.services.get(name)
        if svc is None:
            factory = SERVICES.get(name)
            if factory is None:
                raise ValueError(f"unknown service {name!r}; secretkit models: {', '.join(sorted(SERVICES))}")
            with self.lock:  # one model per region and service, whichever thread asks first
                svc = env.services.get(name)
                if svc is None:
                    svc = env.services[name] = factory(self, env)
        return svc

    def kms(self, region: str = "us-east-1", account_id: str | None = None) -> Kms:
        return self.service("kms", region, account_id)  # type: ignore[no-any-return]

    def secretsmanager(self, region: str = "us-east-1", account_id: str | None = None) -> SecretsManager:
        return self.service("secretsmanager", region, account_id)  # type: ignore[no-any-return]

    def ssm(self, region: str = "us-east-1", account_id: str | None = None) -> ParameterStore:
        """The Parameter Store of ``region`` (the parameter part of Systems Manager)."""
        return self.service("ssm", region, account_id)  # type: ignore[no-any-return]

    def awslambda(self, region: str = "us-east-1", account_id: str | None = None) -> Lambda:
        """The Lambda service of ``region``, its functions and their runtime (named after its
        package: ``lambda`` is a Python keyword)."""
        return self.service("lambda", region, account_id)  # type: ignore[no-any-return]

    def eventbridge(self, region: str = "us-east-1", account_id: str | None = None) -> EventBridge:
        """EventBridge's rules in ``region`` (the ``events`` API; ``cloud.events`` is the event log)."""
        return self.service("events", region, account_id)  # type: ignore[no-any-return]

    def sts(self, region: str = "us-east-1", account_id: str | None = None) -> Sts:
        return self.service("sts", region, account_id)  # type: ignore[no-any-return]

    def cloudformation(self, region: str = "us-east-1", account_id: str | None = None) -> CloudFormation:
        return self.service("cloudformation", region, account_id)  # type: ignore[no-any-return]

    def rds(self, region: str = "us-east-1", account_id: str | None = None) -> Rds:
        return self.service("rds", region, account_id)  # type: ignore[no-any-return]

    @property
    def service_names(self) -> tuple[str, ...]:
        """The services this Cloud models (``cloud.service(name)``, ``cloud.client(name)``)."""
        return tuple(sorted(SERVICES))

    # ------------------------------------------------------------ access control
    def access_control(self) -> tuple[Directory, Authorizer]:
        """The Cloud's one directory of principals and its one authorizer (made on first use)."""
        if self._access is None:
            from .iam import Authorizer, Directory

            with self.lock:
                if self._access is None:
                    directory = Directory(self.clock, self.ids, self.account_id)
                    for account in self._accounts:
                        directory.account(account)
                    self._access = (directory, Authorizer(self.clock))
        return self._access

    def enforcer(self) -> Enforcer:
        """The Cloud's access control: it authorises every call of every service (see
        :mod:`secretkit.iam.enforce`), and records each decision in the event log."""
        if self._enforcer is None:
            from .iam.enforce import Enforcer

            with self.lock:  # one guard, whichever thread asks first (every region holds it)
                if self._enforcer is None:
                    directory, authorizer = self.access_control()
                    self._enforcer = Enforcer(directory, authorizer, self.events, self.service)
        return self._enforcer

    def iam(self, account_id: str | None = None) -> Iam:
        """The account's IAM. IAM is global: one object serves every region, and its control
        plane lives in us-east-1, so an outage there stops IAM calls from any region."""
        account = account_id or self.account_id
        found = self._iams.get(account)
        if found is None:
            from .iam import Iam

            with self.lock:
                found = self._iams.get(account)
                if found is None:
                    directory, authorizer = self.access_control()
                    found = self._iams[account] = Iam(self.env("us-east-1", account), directory, authorizer)
        return found

    def kit_add_account(self, account_id: str) -> dict[str, str]:
        """Kit-only (AWS makes accounts through Organizations, not an API call on the account):
        add another account to this Cloud, with services of its own, and return an access key
        of its root user (``{"aws_access_key_id": ..., "aws_secret_access_key": ...}``), to
        pass to :meth:`client` so as to act in that account (create a reader there, say)."""
        if ascii_int(account_id, 12) is None or len(account_id) != 12:
            raise ValueError(f"an account id is 12 digits, got {account_id!r}")
        with self.lock:
            if account_id in self._accounts:
                raise ValueError(f"account {account_id} is already in this Cloud")
            self._accounts.append(account_id)
            directory, _ = self.access_control()
            root = directory.account(account_id).root
            key = directory.new_access_key(root)
        self.events.record(self.clock.now, "notice", "us-east-1", "cloud", "AccountAdded", "OK",
                           root.arn, {"account": account_id})
        return {"aws_access_key_id": key.key_id, "aws_secret_access_key": key.secret}

    def explain(self, which: Any = None) -> str:
        """Why a call was allowed or denied, in plain words: which policy, which statement,
        which condition decided (kit-only; AWS tells you only the AccessDenied message).

        ``which`` is an ``access`` event of :attr:`events`, a botocore ``ClientError`` that
        a call raised, or ``None``: the latest denial (or, if nothing was denied, the latest
        decision). See :meth:`secretkit.iam.enforce.Enforcer.explain`."""
        return self.enforcer().explain(which)

    # ------------------------------------------------------------------- outages
    def outage(self, region: str) -> None:
        """Take a whole region down: every call to it fails as an unreachable endpoint."""
        env = self.env(region)
        with self.lock:
            self._outage(env, region)

    def _outage(self, env: Env, region: str) -> None:
        if not env.down:
            env.down = True
            self.events.record(self.clock.now, "notice", region, "cloud", "RegionOutage")

    def recover(self, region: str) -> None:
        """Bring a region back after :meth:`outage`."""
        env = self.env(region)
        with self.lock:
            self._recover(env, region)

    def _recover(self, env: Env, region: str) -> None:
        if env.down:
            env.down = False
            self.events.record(self.clock.now, "notice", region, "cloud", "RegionRecovered")
            for svc in list(env.services.values()):
                hook = getattr(svc, "on_region_recovered", None)
                if hook is not None:
                    hook()

    def is_down(self, region: str) -> bool:
        return self.env(region).down

    # -------------------------------------------------------------------- clients
    def client(self, service_name: str, region_name: str = "us-east-1", *, aws_access_key_id: str | None = None,
               aws_secret_access_key: str | None = None, aws_session_token: str | None = None,
               config: Any = None) -> Any:
        """A genuine boto3 client of any service in :attr:`service_names`, served in process by
        this Cloud in the service's own protocol (no network). Its credentials decide who
        calls, as on AWS: an IAM user's access key, a role session's (STS ``AssumeRole``), a
        root key from :meth:`kit_add_account`; with none, this account's root user. They are
        checked on every call, on the simulated clock (unknown, deleted or expired ones get
        AWS's errors). ``config``, a ``botocore.config.Config``, is merged over the kit's own
        as ``boto3.client`` takes it: ``Config(parameter_validation=False)`` sends what
        botocore would otherwise refuse."""
        from .doors.inprocess import make_client  # boto3 loads only when the first client is made

        credentials = None
        if aws_access_key_id is not None or aws_secret_access_key is not None or aws_session_token is not None:
            credentials = (aws_access_key_id, aws_secret_access_key, aws_session_token)
        return make_client(self, service_name, region_name, credentials, config)

    def _function_client(self, service_name: str, region_name: str, credentials: Any = None) -> Any:
        """The boto3 client a Lambda function gets for ``boto3.client(service_name)`` (see
        :mod:`secretkit.awslambda.routing`): a genuine client of this Cloud, with the
        credentials the function runs with (its execution role's session).

        A client holds no state of the function's, so one made with the same service, region
        and credentials is reused: AWS's templates make theirs in every invocation, and
        building a botocore client costs milliseconds.
        """
        key_id = getattr(credentials, "access_key_id", None) if credentials is not None else None
        key = (service_name, region_name, key_id)
        found = self._function_clients.get(key)
        if found is None:
            with self.lock:
                found = self._function_clients.get(key)
                if found is None:
                    if key_id is None:
                        found = self.client(service_name, region_name)
                    else:
                        found = self.client(service_name, region_name, aws_access_key_id=key_id,
                                            aws_secret_access_key=credentials.secret_access_key,
                                            aws_session_token=credentials.session_token)
                    if len(self._function_clients) > 256:
                        self._function_clients.clear()
                    self._function_clients[key] = found
        return found

    def serve(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> Serving:
        """Serve this Cloud over HTTP on ``host:port`` (``port=0``: a free one) in a background
        thread, for the AWS CLI and any SDK, through the same backend as :meth:`client`;
        prints the ``export`` lines a terminal needs. Returns a
        :class:`~secretkit.doors.serving.Serving` with ``endpoint_url`` and ``stop()`` (also a
        context manager). See :mod:`secretkit.doors.serving`."""
        from .doors.serving import serve

        return serve(self, port=port, host=host, **options)

    # ------------------------------------------------------------- save and load
    def save(self, path: str | os.PathLike[str]) -> None:
        """Save this whole Cloud to the file ``path`` (replaced if it exists); :meth:`load`
        brings it back, answering every call as this one would and with the same work in
        flight on its clock. Values stay ciphertext in the file, but the KMS keys' material is
        in it too, so the file can decrypt every value it holds. See :mod:`secretkit.saving`
        for what is saved and what is not (widgets, boto3 clients, warm Lambda environments)."""
        from .saving import save

        save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cloud:
        """The Cloud :meth:`save` wrote to ``path``. Raises :class:`secretkit.saving.SaveFileError`
        for a file that is not a saved Cloud, comes from a newer secretkit, or is damaged or was
        altered. Load only files you made or trust (a saved Cloud holds Lambda code)."""
        from .saving import load

        return load(path)

    def kit_snapshot(self, *, events: bool = False) -> dict[str, Any]:
        """Kit-only: the whole state of this Cloud as plain values that ``==`` compares (every
        record of every service, the clock and its pending work; the event log only with
        ``events=True``; never the request ids). Equal snapshots, equal states: for showing
        that a failed call changed nothing, or that a loaded Cloud is the one saved. See
        :mod:`secretkit.saving.snapshot`."""
        from .saving import snapshot

        return snapshot(self, events=events)

    def _recycle_lambda_environments(self) -> None:
        """Before a save: every warm Lambda execution environment goes (see :mod:`secretkit.saving`)."""
        from .awslambda.runtime import recycle

        for env in self._envs.values():
            functions = env.services.get("lambda")
            if functions is not None:
                recycle(functions.functions.values())  # type: ignore[attr-defined]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_function_clients"] = {}  # boto3 clients: made again on first use
        # what lives only as long as the process (the doors' backend, with its lock) likewise
        state["extensions"] = {k: v for k, v in self.extensions.items() if getattr(type(v), "transient", False) is not True}
        return state

    def __repr__(self) -> str:
        return f"Cloud(seed={self.seed}, now={self.clock.now.isoformat()}, regions={self.regions})"
