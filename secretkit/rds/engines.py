"""The database engines this RDS runs, and what differs between them.

Each RDS engine runs on one of the simulated servers of :mod:`secretkit.databases` (which
check passwords for real). The table says what RDS itself checks per engine: the default
port, the master password's length (RDS documents 8-41 for MySQL and MariaDB, 8-128 for
PostgreSQL; DocumentDB 8-100), the longest master user name, and whether the engine's
instances live only inside a cluster (Aurora and DocumentDB: the cluster holds the master
user and the storage; the instances are its compute).

The default versions are the kit's choice of a recent version per engine, shown by the
describe calls when ``EngineVersion`` is not given; nothing depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENGINES", "RdsEngine"]


@dataclass(frozen=True, slots=True)
class RdsEngine:
    """What RDS checks and shows for one engine."""

    name: str  # RDS's engine name ("aurora-postgresql")
    simulated: str  # the simulated server it runs on (a key of secretkit.databases.ENGINES)
    port: int
    default_version: str
    clustered: bool  # instances exist only as members of a DB cluster
    password_max: int
    username_max: int
    dbname_max: int
    domain: str = "rds.amazonaws.com"  # endpoint addresses end in <region>.<domain>


ENGINES: dict[str, RdsEngine] = {
    e.name: e
    for e in (
        RdsEngine("mysql", "mysql", 3306, "8.0.40", False, 41, 16, 64),
        RdsEngine("mariadb", "mariadb", 3306, "10.11.10", False, 41, 16, 64),
        RdsEngine("postgres", "postgres", 5432, "16.6", False, 128, 63, 63),
        RdsEngine("aurora-mysql", "aurora-mysql", 3306, "8.0.mysql_aurora.3.08.0", True, 41, 16, 64),
        RdsEngine("aurora-postgresql", "aurora-postgresql", 5432, "16.6", True, 128, 63, 63),
        # DocumentDB is served by the same API (and the same botocore model) as RDS.
        RdsEngine("docdb", "docdb", 27017, "5.0.0", True, 100, 63, 63, "docdb.amazonaws.com"),
    )
}
