"""A psycopg connector to a real PostgreSQL, for code outside Lambda functions.

The pre-built rotation functions reach the real server through their own driver (PyGreSQL's
``pgdb`` calls, carried out by psycopg: :mod:`secretkit.rotation_functions.drivers.pgdb_psycopg`).
Applications, lab checks and tests that want to log in or act on the server directly use
this connector, the same small interface as the simulated engines' (see
:mod:`secretkit.databases.connector`), with one care the templates do not take:

* **Passwords travel as SCRAM verifiers.** ``ALTER ROLE app PASSWORD 'secret'`` puts the
  plaintext in the SQL text, and so in the server log whenever statements are logged. libpq
  can compute the SCRAM-SHA-256 verifier on the client (``PQencryptPasswordConn``, exposed as
  ``pgconn.encrypt_password``); the server stores it as is and still accepts the plaintext at
  login. The secret never leaves the client in the clear.
* **Clones act as the original.** ``create_role_like`` makes ``app_clone`` a member of ``app``
  (``GRANT app TO app_clone``) so it inherits every privilege, and ``ALTER ROLE app_clone SET
  role = 'app'`` so tables it creates are owned by ``app``, as the kit's alternating-users
  template does too.

psycopg is imported only when a connection is made, so importing this module needs no driver.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PsycopgConnection", "PsycopgConnector", "scram_verifier"]


def scram_verifier(conn: Any, username: str, password: str) -> str:
    """The ``SCRAM-SHA-256$...`` string PostgreSQL stores for ``password``, computed client-side."""
    raw = conn.pgconn.encrypt_password(password.encode(), username.encode(), b"scram-sha-256")
    return bytes(raw).decode()


class PsycopgConnection:
    """One authenticated session on a real server, with the few actions rotation needs."""

    def __init__(self, conn: Any, username: str) -> None:
        self._conn = conn
        self.username = username

    def set_password(self, username: str, password: str) -> None:
        """Change ``username``'s password (single-user rotation changes its own)."""
        from psycopg import sql

        self._conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(username), sql.Literal(scram_verifier(self._conn, username, password))))

    def role_exists(self, username: str) -> bool:
        """Whether a role of that name exists (the clone is created once, then only re-passworded)."""
        row = self._conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (username,)).fetchone()
        return row is not None

    def create_role_like(self, username: str, like: str, password: str) -> None:
        """Make ``username`` a login that acts as ``like``; only re-password it if it exists."""
        from psycopg import sql

        if self.role_exists(username):
            self.set_password(username, password)
            return
        verifier = sql.Literal(scram_verifier(self._conn, username, password))
        new, old = sql.Identifier(username), sql.Identifier(like)
        self._conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(new, verifier))
        self._conn.execute(sql.SQL("GRANT {} TO {}").format(old, new))
        self._conn.execute(sql.SQL("ALTER ROLE {} SET role = {}").format(new, sql.Literal(like)))

    def test_login(self) -> bool:
        """Run the templates' test query (``SELECT NOW()``); true when the session answers."""
        return self._conn.execute("SELECT NOW()").fetchone() is not None

    def close(self) -> None:
        """Log out."""
        self._conn.close()

    def __enter__(self) -> PsycopgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PsycopgConnector:
    """Opens :class:`PsycopgConnection` sessions from RDS-shaped secret dicts."""

    engines = ("postgres", "aurora-postgresql")

    def __init__(self, connect_timeout: int = 5) -> None:
        self.connect_timeout = connect_timeout

    def connect(self, secret: dict[str, Any]) -> PsycopgConnection | None:
        """Log in with ``secret``; ``None`` when the server refuses it, like the templates' helper.

        Only a refused login gives ``None``; a missing server is an error worth seeing.
        """
        import psycopg

        try:
            conn = psycopg.connect(
                host=secret["host"], port=int(secret.get("port", 5432)),
                user=secret["username"], password=secret["password"],
                dbname=secret.get("dbname") or "postgres",
                connect_timeout=self.connect_timeout, autocommit=True)
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc) or "does not exist" in str(exc):
                return None
            raise
        return PsycopgConnection(conn, secret["username"])
