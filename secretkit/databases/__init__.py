"""Simulated database engines that rotation changes passwords on (see :mod:`.engine`)."""

from .connector import SimConnection, SimConnector
from .directory import Databases, databases
from .engine import ENGINES, AuthenticationFailed, Database, DatabaseError, LoginRecord, Session, Unreachable

__all__ = [
    "ENGINES",
    "AuthenticationFailed",
    "Database",
    "DatabaseError",
    "Databases",
    "LoginRecord",
    "Session",
    "SimConnection",
    "SimConnector",
    "Unreachable",
    "databases",
]
