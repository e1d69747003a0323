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

The Cloud is the one place that knows every service. It builds each one (per region, on
first use) and hands it what it may reach of the others: the services that encrypt get
their region's KMS; Parameter Store gets a callable for its region's Secrets Manager;
Secrets Manager gets one for the other regions' Secrets Managers (replication) and one for
any region's Lambda (rotation functions); EventBridge gets the same Lambda callable (rule
targets). Each Lambda service gets a factory for the boto3 clients its functions make (a
genuine client of this Cloud, see :mod:`secretkit.awslambda.routing`) and the Cloud's
``extensions`` as the network its functions reach (the simulated databases). RDS gets its
region's Secrets Manager (for the master secrets it manages) and the database directory;
CloudFormation reaches every service by name through :mod:`secretkit.cloudformation.wiring`.
IAM is global: one IAM serves every region, and it and each region's STS share the Cloud's
one directory of principals and one authorizer. Apart from KMS, no service imports another.

Access control is modelled (:mod:`secretkit.iam`) but not enforced yet: every call comes
from the account's root user, as it always has.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable

from .core.clock import SimClock
from .core.events import EventLog
from .core.ids import Ids
from .core.service import ACCOUNT_ID, Env, Service
from .eventbridge import EventBridge
from .kms import Kms
from .secretsmanager import SecretsManager
from .ssm import ParameterStore

if TYPE_CHECKING:
    from .awslambda.service import Lambda
    from .cloudformation import CloudFormation
    from .doors.serving import Serving
    from .iam import Authorizer, Directory, Iam, Sts
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

# service name -> factory(cloud, region env) -> service object. Services register here.
SERVICES: dict[str, Callable[["Cloud", Env], Service]] = {
    "kms": lambda cloud, env: Kms(env),
    "secretsmanager": lambda cloud, env: _secretsmanager(cloud, env),
    "ssm": lambda cloud, env: ParameterStore(env, cloud.kms(env.region), lambda: cloud.secretsmanager(env.region)),
    "lambda": lambda cloud, env: _lambda(cloud, env),
    "events": lambda cloud, env: EventBridge(env, cloud.awslambda),
    "iam": lambda cloud, env: cloud.iam(),
    "sts": lambda cloud, env: _sts(cloud, env),
    "cloudformation": lambda cloud, env: _cloudformation(cloud, env),
    "rds": lambda cloud, env: _rds(cloud, env),
}


def _secretsmanager(cloud: "Cloud", env: Env) -> SecretsManager:
    # Replication reaches the other regions, rotation the Lambda service of the function's
    # region: both through what is passed here.
    return SecretsManager(env, cloud.kms(env.region), cloud.secretsmanager, functions=cloud.awslambda)


# The newer services are imported when first built, so ``import secretkit`` stays light.
def _lambda(cloud: "Cloud", env: Env) -> Service:
    from .awslambda.routing import factory_from
    from .awslambda.service import Lambda

    # boto3 inside a function gets a client of this Cloud (the door loads boto3 when asked);
    # the Cloud's extensions are the network its code reaches (the simulated databases).
    return Lambda(env, client_factory=factory_from(_door_client, cloud, cloud.service_names),
                  request_ids=cloud.request_ids, network=cloud.extensions)


def _door_client(cloud: "Cloud", service_name: str, region_name: str) -> Any:
    return cloud._function_client(service_name, region_name)


def _sts(cloud: "Cloud", env: Env) -> Service:
    from .iam import Sts

    directory, authorizer = cloud.access_control()
    return Sts(env, directory, authorizer)


def _cloudformation(cloud: "Cloud", env: Env) -> Service:
    from .cloudformation.wiring import build

    return build(cloud, env)


def _rds(cloud: "Cloud", env: Env) -> Service:
    from .databases import databases
    from .rds import Rds

    return Rds(env, lambda: cloud.secretsmanager(env.region), databases(cloud))


class Cloud:
    """One simulated AWS account (id ``123456789012``)."""

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
        self._envs: dict[str, Env] = {}
        self.extensions: dict[str, Any] = {}  # room for what is built on the Cloud (the databases)
        self._function_clients: dict[tuple[str, str], Any] = {}
        self._access: tuple[Directory, Authorizer] | None = None
        self._iam: Iam | None = None

    # ------------------------------------------------------------------ regions
    def env(self, region: str) -> Env:
        """The environment of one region (made on first use)."""
        env = self._envs.get(region)
        if env is None:
            if region not in REGIONS:
                raise ValueError(f"unknown region {region!r}; secretkit knows: {', '.join(REGIONS)}")
            with self.lock:  # two threads' first use of a region make one Env
                env = self._envs.get(region)
                if env is None:
                    env = self._envs[region] = Env(region, self.clock, self.ids, self.events, self.account_id)
        return env

    @property
    def regions(self) -> list[str]:
        """The regions used so far."""
        return list(self._envs)

    def service(self, name: str, region: str = "us-east-1") -> Any:
        """The model of service ``name`` in ``region`` (made on first use)."""
        env = self.env(region)
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

    def kms(self, region: str = "us-east-1") -> Kms:
        return self.service("kms", region)  # type: ignore[no-any-return]

    def secretsmanager(self, region: str = "us-east-1") -> SecretsManager:
        return self.service("secretsmanager", region)  # type: ignore[no-any-return]

    def ssm(self, region: str = "us-east-1") -> ParameterStore:
        """The Parameter Store of ``region`` (the parameter part of Systems Manager)."""
        return self.service("ssm", region)  # type: ignore[no-any-return]

    def awslambda(self, region: str = "us-east-1") -> Lambda:
        """The Lambda service of ``region``, its functions and their runtime (named after its
        package: ``lambda`` is a Python keyword)."""
        return self.service("lambda", region)  # type: ignore[no-any-return]

    def eventbridge(self, region: str = "us-east-1") -> EventBridge:
        """EventBridge's rules in ``region`` (the ``events`` API; ``cloud.events`` is the event log)."""
        return self.service("events", region)  # type: ignore[no-any-return]

    def sts(self, region: str = "us-east-1") -> Sts:
        return self.service("sts", region)  # type: ignore[no-any-return]

    def cloudformation(self, region: str = "us-east-1") -> CloudFormation:
        return self.service("cloudformation", region)  # type: ignore[no-any-return]

    def rds(self, region: str = "us-east-1") -> Rds:
        return self.service("rds", region)  # type: ignore[no-any-return]

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
                    self._access = (Directory(self.clock, self.ids, self.account_id), Authorizer(self.clock))
        return self._access

    def iam(self) -> Iam:
        """The account's IAM. IAM is global: one object serves every region, and its control
        plane lives in us-east-1, so an outage there stops IAM calls from any region."""
        if self._iam is None:
            from .iam import Iam

            with self.lock:
                if self._iam is None:
                    directory, authorizer = self.access_control()
                    self._iam = Iam(self.env("us-east-1"), directory, authorizer)
        return self._iam

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
    def client(self, service_name: str, region_name: str = "us-east-1") -> Any:
        """A genuine boto3 client of any service in :attr:`service_names`, served in process by
        this Cloud in the service's own protocol (no network, no credentials)."""
        from .doors.inprocess import make_client  # boto3 loads only when the first client is made

        return make_client(self, service_name, region_name)

    def _function_client(self, service_name: str, region_name: str) -> Any:
        """The boto3 client a Lambda function gets for ``boto3.client(service_name)`` (see
        :mod:`secretkit.awslambda.routing`): a genuine client of this Cloud.

        A client holds no state of the function's, so one made with the same service and
        region is reused: AWS's templates make theirs in every invocation, and building a
        botocore client costs milliseconds.
        """
        key = (service_name, region_name)
        found = self._function_clients.get(key)
        if found is None:
            with self.lock:
                found = self._function_clients.get(key)
                if found is None:
                    found = self._function_clients[key] = self.client(service_name, region_name)
        return found

    def serve(self, port: int = 0, host: str = "127.0.0.1", **options: Any) -> Serving:
        """Serve this Cloud over HTTP on ``host:port`` (``port=0``: a free one) in a background
        thread, for the AWS CLI and any SDK, through the same backend as :meth:`client`;
        prints the ``export`` lines a terminal needs. Returns a
        :class:`~secretkit.doors.serving.Serving` with ``endpoint_url`` and ``stop()`` (also a
        context manager). See :mod:`secretkit.doors.serving`."""
        from .doors.serving import serve

        return serve(self, port=port, host=host, **options)

    def __repr__(self) -> str:
        return f"Cloud(seed={self.seed}, now={self.clock.now.isoformat()}, regions={self.regions})"
