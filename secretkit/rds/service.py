"""RDS, one per region: the facade whose methods are the service's operations.

:class:`Rds` owns the region's DB instances and clusters (an
:class:`~secretkit.rds.store.RdsStore`) and the two parts that serve their operations:
:mod:`.instances` and :mod:`.clusters`. Every instance and cluster runs on a simulated
database server from :mod:`secretkit.databases`, found by its endpoint address, so the
pre-built rotation functions given a secret whose ``host`` is that address change a real
(simulated) password, and a login with the wrong one is refused.

The Cloud builds it with what it may reach outside itself: ``secrets()``, this region's
Secrets Manager (for ``ManageMasterUserPassword``, whose secret RDS owns and rotates), and
the Cloud's database directory. RDS imports no other service.

Not priced: the kit's meter bills Secrets Manager, Parameter Store, KMS and Lambda; RDS
instances, clusters and their storage are free here. The secret RDS manages for a master
password is billed as a secret, because on AWS it is one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.service import Env, Service, served_by
from .clusters import Clusters
from .instances import Instances
from .managed import MasterSecrets
from .store import SERVICE, RdsStore

if TYPE_CHECKING:
    from ..databases import Databases

__all__ = ["Rds"]


class Rds(Service):
    """The RDS of one region. Methods mirror boto3's, with AWS's arguments and answers."""

    service_name = SERVICE

    def __init__(self, env: Env, secrets: Callable[[], Any] | None, databases: Databases) -> None:
        super().__init__(env)
        self.store = store = RdsStore(env, databases, MasterSecrets(env, secrets))
        self.instances = Instances(store)
        self.clusters = Clusters(store)

    create_db_instance = served_by("instances", Instances)
    describe_db_instances = served_by("instances", Instances)
    modify_db_instance = served_by("instances", Instances)
    delete_db_instance = served_by("instances", Instances)
    create_db_cluster = served_by("clusters", Clusters)
    describe_db_clusters = served_by("clusters", Clusters)
    modify_db_cluster = served_by("clusters", Clusters)
    delete_db_cluster = served_by("clusters", Clusters)

    def endpoint(self, identifier: str) -> tuple[str, int]:
        """``(address, port)`` of an instance or, failing that, a cluster's writer (not an API call)."""
        store = self.store
        key = identifier.lower()
        if key in store.instances:
            instance = store.instances[key]
            return instance.address, instance.port
        cluster = store.find_cluster(identifier)
        return cluster.endpoint, cluster.port
