# The engine part for Amazon Redshift, through PyGreSQL's pgdb (and pg for its
# InternalError), as AWS's Redshift templates connect.
import pg
import pgdb

SUPPORTED_ENGINES = ("redshift",)
DEFAULT_PORT = 5439
DEFAULT_DBNAME = "dev"
# Characters that would break a connection string are kept out of generated passwords.
DEFAULT_EXCLUDE_CHARACTERS = ":/@\"'\\"
MAX_USERNAME_LENGTH = 127


def get_connection(secret_dict):
    """A connection made with the secret's credentials, or None if the cluster refuses them."""
    port = int(secret_dict["port"]) if "port" in secret_dict else DEFAULT_PORT
    dbname = secret_dict["dbname"] if "dbname" in secret_dict else DEFAULT_DBNAME
    try:
        conn = pgdb.connect(host=secret_dict["host"], user=secret_dict["username"], password=secret_dict["password"],
                            database=dbname, port=port, connect_timeout=5)
        logger.info("Connected as %s to %s.", secret_dict["username"], secret_dict["host"])
        return conn
    except pg.InternalError as e:
        logger.info("Could not connect as %s to %s: %s", secret_dict["username"], secret_dict["host"], e)
        return None


def set_own_password(conn, username, password):
    """The user logged in on ``conn`` gives itself ``password``."""
    with conn.cursor() as cur:
        cur.execute("SELECT quote_ident(%s)", (username,))
        escaped_username = cur.fetchone()[0]
        cur.execute("ALTER USER %s PASSWORD %%s" % escaped_username, (password,))
    conn.commit()


def set_clone_password(conn, username, clone, password):
    """As the master user: give ``clone`` the password; the first time, create it with the
    privileges ``username`` holds on tables (Redshift users cannot be members of users)."""
    with conn.cursor() as cur:
        cur.execute("SELECT quote_ident(%s)", (clone,))
        escaped_clone = cur.fetchone()[0]
        cur.execute("SELECT usename FROM pg_user WHERE usename = %s", (clone,))
        if not cur.fetchall():
            cur.execute("CREATE USER %s PASSWORD %%s" % escaped_clone, (password,))
            cur.execute("SELECT DISTINCT privilege_type FROM svv_relation_privileges WHERE identity_name = %s",
                        (username,))
            for row in cur.fetchall():
                cur.execute("GRANT %s ON ALL TABLES IN SCHEMA public TO %s" % (row.privilege_type, escaped_clone))
        else:
            cur.execute("ALTER USER %s PASSWORD %%s" % escaped_clone, (password,))
    conn.commit()


def run_test_query(conn):
    """The test testSecret runs once logged in (extend it to check what your users need)."""
    with conn.cursor() as cur:
        cur.execute("SELECT NOW()")
    conn.commit()


def close_connection(conn):
    conn.close()
