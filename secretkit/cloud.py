"""The Cloud: one simulated AWS account with regions, one clock, one seeded random source.

>>> cloud = Cloud(seed=0, start="2026-01-01")
>>> sm = cloud.secretsmanager("us-east-1")          # the model, called directly
>>> sm.create_secret(Name="demo", SecretString="hello")["Name"]
'demo'
>>> sm.get_secret_value(SecretId="demo")["SecretString"]
'hello'

``cloud.client("secretsmanager", region_name="us-east-1")`` gives a genuine boto3 client
over the same model (see :mod:`secretkit.doors.inprocess`). ``cloud.clock.advance(days=30)``
moves time and runs everything that falls due: purges, key deletions, rotations, replication.

The Cloud is the one place that knows every service. It builds each one (per region, on
first use) and hands it what it may reach of the others: the services that encrypt get
their region's KMS; Parameter Store gets a callable for its region's Secrets Manager;
Secrets Manager gets one for the other regions' Secrets Managers (replication) and one for
any region's Lambda (rotation functions); EventBridge gets the same Lambda callable (rule
targets). Each Lambda service gets a factory for the boto3 clients its functions make (a
genuine client of this Cloud, see :mod:`secretkit.awslambda.routing`) and the Cloud's
``extensions`` as the network its functions reach (the simulated databases). Apart from
KMS, no service imports another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from .awslambda import Lambda
from .awslambda.routing import factory_from
from .core.clock import SimClock
from .core.events import EventLog
from .core.ids import Ids
from .core.service import ACCOUNT_ID, Env, Service
from .eventbridge import EventBridge
from .kms import Kms
from .secretsmanager import SecretsManager
from .ssm import ParameterStore

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
}


def _secretsmanager(cloud: "Cloud", env: Env) -> SecretsManager:
    # Replication reaches the other regions, rotation the Lambda service of the function's
    # region: both through what is passed here.
    return SecretsManager(env, cloud.kms(env.region), cloud.secretsmanager, functions=cloud.awslambda)


def _lambda(cloud: "Cloud", env: Env) -> Lambda:
    clients = factory_from(lambda c, name, region: c._function_client(name, region), cloud, tuple(SERVICES))
    return Lambda(env, client_factory=clients, request_ids=cloud.request_ids, network=cloud.extensions)


class Cloud:
    """One simulated AWS account (id ``123456789012``)."""

    def __init__(self, seed: int = 0, start: str | date | datetime = "2026-01-01") -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        self.seed = seed
        self.account_id = ACCOUNT_ID
        self.clock = SimClock(start)
        self.start = self.clock.now
        self.ids = Ids(seed)
        self.request_ids = Ids(f"{seed}/requests")
        self.events = EventLog()
        self._envs: dict[str, Env] = {}
        self.extensions: dict[str, Any] = {}  # room for what is built on the Cloud (the databases)
        self._function_clients: dict[tuple[str, str], Any] = {}

    # ------------------------------------------------------------------ regions
    def env(self, region: str) -> Env:
        """The environment of one region (made on first use)."""
        env = self._envs.get(region)
        if env is None:
            if region not in REGIONS:
                raise ValueError(f"unknown region {region!r}; secretkit knows: {', '.join(REGIONS)}")
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
        """The Lambda service of ``region`` (its functions and their runtime)."""
        return self.service("lambda", region)  # type: ignore[no-any-return]

    def eventbridge(self, region: str = "us-east-1") -> EventBridge:
        """EventBridge's rules in ``region`` (the ``events`` API; ``cloud.events`` is the event log)."""
        return self.service("events", region)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------- outages
    def outage(self, region: str) -> None:
        """Take a whole region down: every call to it fails as an unreachable endpoint."""
        env = self.env(region)
        if not env.down:
            env.down = True
            self.events.record(self.clock.now, "notice", region, "cloud", "RegionOutage")

    def recover(self, region: str) -> None:
        """Bring a region back after :meth:`outage`."""
        env = self.env(region)
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
        """A genuine boto3 client served in process by this Cloud (no network, no credentials)."""
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
            found = self._function_clients[key] = self.client(service_name, region_name)
        return found

    def __repr__(self) -> str:
        return f"Cloud(seed={self.seed}, now={self.clock.now.isoformat()}, regions={self.regions})"
