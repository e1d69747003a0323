"""RDS: DB instances and clusters over the simulated database engines, with master user
passwords RDS can keep and rotate in Secrets Manager (read :mod:`.service` first)."""

from .engines import ENGINES, RdsEngine
from .records import Cluster, Instance, MasterSecret
from .service import Rds

__all__ = ["ENGINES", "Cluster", "Instance", "MasterSecret", "Rds", "RdsEngine"]
