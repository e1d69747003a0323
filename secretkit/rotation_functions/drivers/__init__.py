"""The kit's stand-in database drivers, and the modules a code package bundles to use them.

AWS's rotation packages bundle the database driver their ``lambda_function.py`` imports:
PyGreSQL (``pg``, ``pgdb``) for PostgreSQL and Redshift, PyMySQL (``pymysql``) for MySQL,
pymongo for DocumentDB. The kit's packages bundle, under those same names, small modules
that import the kit's stand-ins from here, so the function code reads exactly like code
written for the real driver:

==================  ===========================================  ==============================
bundle              modules in the zip                           answered by
==================  ===========================================  ==============================
``pygresql``        ``pg.py``, ``pgdb.py``                        the simulated PostgreSQL,
                                                                 Aurora PostgreSQL and Redshift
``pymysql``         ``pymysql/__init__.py``, ``pymysql/err.py``  the simulated MySQL servers
``pymongo``         ``pymongo/__init__.py``, ``pymongo/errors.py``  the simulated DocumentDB
``pygresql-real``   ``pg.py``, ``pgdb.py``                        a real PostgreSQL, through
                                                                 psycopg (:mod:`.pgdb_psycopg`)
==================  ===========================================  ==============================

The stand-ins for the simulated servers work only inside a function running in a Cloud:
that is where they find the servers (:mod:`.servers`).
"""

from __future__ import annotations

__all__ = ["BUNDLES", "bundle_files"]

_PACKAGE = "secretkit.rotation_functions.drivers"

#: bundle -> {path in the zip: (the kit's module it re-exports, what the file says it is)}
BUNDLES: dict[str, dict[str, tuple[str, str]]] = {
    "pygresql": {
        "pg.py": ("pg", "PyGreSQL's pg (its exception classes), the kit's stand-in for the simulated servers"),
        "pgdb.py": ("pgdb", "PyGreSQL's pgdb, the kit's stand-in for the simulated servers"),
    },
    "pymysql": {
        "pymysql/__init__.py": ("pymysql", "PyMySQL, the kit's stand-in for the simulated servers"),
        "pymysql/err.py": ("pymysql_err", "pymysql.err, the kit's stand-in for the simulated servers"),
    },
    "pymongo": {
        "pymongo/__init__.py": ("pymongo", "pymongo, the kit's stand-in for the simulated DocumentDB"),
        "pymongo/errors.py": ("pymongo_errors", "pymongo.errors, the kit's stand-in for the simulated DocumentDB"),
    },
    "pygresql-real": {
        "pg.py": ("pg", "PyGreSQL's pg (its exception classes), for a real PostgreSQL"),
        "pgdb.py": ("pgdb_psycopg", "PyGreSQL's pgdb, answered by a real PostgreSQL through psycopg"),
    },
}


def bundle_files(bundle: str) -> dict[str, str]:
    """The files ``bundle`` puts in a package: ``{path: source}``."""
    if bundle not in BUNDLES:
        raise ValueError(f"unknown driver bundle {bundle!r}; known: {', '.join(BUNDLES)}")
    files: dict[str, str] = {}
    for path, (module, what) in BUNDLES[bundle].items():
        files[path] = (
            f'"""{what}.\n\nBundled by secretkit where a package for AWS would bundle the real driver."""\n\n'
            f"from {_PACKAGE}.{module} import *  # noqa: F401,F403\n"
            f"from {_PACKAGE}.{module} import __all__  # noqa: F401\n"
        )
    return files
