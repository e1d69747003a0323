"""The DB instances and clusters of one region, and the ids and addresses RDS gives them.

:class:`RdsStore` is what the :class:`~secretkit.rds.service.Rds` facade and its parts
(:mod:`.instances`, :mod:`.clusters`) work on. It holds the instances and clusters by
identifier, the simulated database servers' directory (a host name resolves to a server,
so a rotation function given an instance's endpoint reaches its database), and the
region's part of every endpoint address.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

from ..core.service import Env, Service
from .checks import not_found
from .records import Cluster, Instance

if TYPE_CHECKING:
    from ..databases import Databases
    from .managed import MasterSecrets

__all__ = ["Part", "RdsStore", "SERVICE"]

SERVICE = "rds"
_UPPER = string.ascii_uppercase + string.digits
_LOWER = string.ascii_lowercase + string.digits


class RdsStore:
    """One region's instances and clusters, by identifier (always lower-case, as RDS stores it)."""

    def __init__(self, env: Env, databases: Databases, secrets: MasterSecrets) -> None:
        self.env = env
        self.region = env.region
        self.databases = databases
        self.secrets = secrets
        self.instances: dict[str, Instance] = {}
        self.clusters: dict[str, Cluster] = {}
        self.arn_prefix = f"arn:aws:{SERVICE}:{env.region}:{env.account_id}:"
        self._endpoint_id: str | None = None

    # ------------------------------------------------------------------ ids and addresses
    def _draw(self, alphabet: str, n: int) -> str:
        rng = self.env.ids.rng
        return "".join(rng.choice(alphabet) for _ in range(n))

    @property
    def endpoint_id(self) -> str:
        """The 12 characters every endpoint address of this account and region shares."""
        if self._endpoint_id is None:
            self._endpoint_id = self._draw(_LOWER, 12)
        return self._endpoint_id

    def resource_id(self, prefix: str) -> str:
        """``db-`` or ``cluster-`` followed by 26 upper-case letters and digits."""
        return f"{prefix}-{self._draw(_UPPER, 26)}"

    def availability_zone(self) -> str:
        return self.region + self.env.ids.rng.choice("abc")

    def address(self, identifier: str, domain: str, kind: str = "") -> str:
        """An endpoint address: ``kind`` is ``""`` (instance), ``"cluster-"`` or ``"cluster-ro-"``."""
        return f"{identifier}.{kind}{self.endpoint_id}.{self.region}.{domain}"

    # ------------------------------------------------------------------ finding
    def _key(self, identifier: object, kind: str) -> str:
        text = str(identifier)
        prefix = f"{self.arn_prefix}{kind}:"
        return (text[len(prefix):] if text.startswith(prefix) else text).lower()

    def find_instance(self, identifier: object) -> Instance:
        """An instance by identifier (any case), ARN or DbiResourceId; ``DBInstanceNotFound`` otherwise."""
        instance = self.instances.get(self._key(identifier, "db"))
        if instance is None and str(identifier).startswith("db-"):
            instance = next((i for i in self.instances.values() if i.resource_id == identifier), None)
        if instance is None:
            raise not_found("DBInstance", str(identifier))
        return instance

    def find_cluster(self, identifier: object) -> Cluster:
        """A cluster by identifier (any case) or ARN; ``DBClusterNotFoundFault`` otherwise."""
        cluster = self.clusters.get(self._key(identifier, "cluster"))
        if cluster is None:
            raise not_found("DBCluster", str(identifier))
        return cluster

    def key_of(self, value: str, kind: str) -> str:
        """An identifier as stored, from an identifier or ARN (filters accept both)."""
        return self._key(value, kind)


class Part(Service):
    """A part of the RDS facade: it serves some of RDS's operations on the store it is handed."""

    service_name = SERVICE

    def __init__(self, store: RdsStore) -> None:
        super().__init__(store.env)
        self.store = store
