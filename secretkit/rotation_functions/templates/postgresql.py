# The engine part for PostgreSQL and Aurora PostgreSQL, through PyGreSQL's pgdb (and pg for
# its InternalError), as AWS's PostgreSQL templates connect.
import pg
import pgdb

SUPPORTED_ENGINES = ("postgres", "aurora-postgresql")
DEFAULT_PORT = 5432
DEFAULT_DBNAME = "postgres"
# Characters that would break a connection string are kept out of generated passwords.
DEFAULT_EXCLUDE_CHARACTERS = ":/@\"'\\"
MAX_USERNAME_LENGTH = 63


def get_connection(secret_dict):
    """A connection made with the secret's credentials, or None if the database refuses them.

    Tries TLS first and falls back to a plain connection unless the secret's ``ssl`` key
    says which to use.
    """
    port = int(secret_dict["port"]) if "port" in secret_dict else DEFAULT_PORT
    dbname = secret_dict["dbname"] if "dbname" in secret_dict else DEFAULT_DBNAME
    use_ssl, fall_back = get_ssl_config(secret_dict)
    conn = connect_and_authenticate(secret_dict, port, dbname, use_ssl)
    if conn or not fall_back:
        return conn
    return connect_and_authenticate(secret_dict, port, dbname, False)


def connect_and_authenticate(secret_dict, port, dbname, use_ssl):
    """One connection attempt; None if it fails (a refused password, an unreachable host)."""
    try:
        if use_ssl:
            # verify-full checks the server's certificate and its host name.
            conn = pgdb.connect(host=secret_dict["host"], user=secret_dict["username"], password=secret_dict["password"],
                                database=dbname, port=port, connect_timeout=5,
                                sslrootcert="/etc/pki/tls/cert.pem", sslmode="verify-full")
        else:
            conn = pgdb.connect(host=secret_dict["host"], user=secret_dict["username"], password=secret_dict["password"],
                                database=dbname, port=port, connect_timeout=5, sslmode="disable")
        logger.info("Connected as %s to %s (%s).", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS")
        return conn
    except pg.InternalError as e:
        logger.info("Could not connect as %s to %s (%s): %s", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS", e)
        return None


def set_own_password(conn, username, password):
    """The user logged in on ``conn`` gives itself ``password``."""
    with conn.cursor() as cur:
        cur.execute("SELECT quote_ident(%s)", (username,))
        escaped_username = cur.fetchone()[0]
        cur.execute("ALTER USER %s WITH PASSWORD %%s" % escaped_username, (password,))
    conn.commit()


def set_clone_password(conn, username, clone, password):
    """As the master user: give ``clone`` the password, creating it as a member of ``username``.

    Membership gives the clone every privilege the user has, now and later; its sessions
    act as the user (``SET role``), so tables it creates belong to the user, not to a login
    the next rotation hands to other clients.
    """
    with conn.cursor() as cur:
        cur.execute("SELECT quote_ident(%s)", (username,))
        escaped_username = cur.fetchone()[0]
        cur.execute("SELECT quote_ident(%s)", (clone,))
        escaped_clone = cur.fetchone()[0]
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (clone,))
        if cur.fetchone() is None:
            cur.execute("CREATE ROLE %s WITH LOGIN PASSWORD %%s" % escaped_clone, (password,))
            cur.execute("GRANT %s TO %s" % (escaped_username, escaped_clone))
            cur.execute("ALTER ROLE %s SET role = %%s" % escaped_clone, (username,))
        else:
            cur.execute("ALTER USER %s WITH PASSWORD %%s" % escaped_clone, (password,))
    conn.commit()


def run_test_query(conn):
    """The test testSecret runs once logged in (extend it to check what your users need)."""
    with conn.cursor() as cur:
        cur.execute("SELECT NOW()")
    conn.commit()


def close_connection(conn):
    conn.close()
