# The engine part for MySQL and Aurora MySQL, through PyMySQL, as AWS's MySQL templates connect.
import os

import pymysql

SUPPORTED_ENGINES = ("mysql", "aurora-mysql")
DEFAULT_PORT = 3306
DEFAULT_DBNAME = None
# Characters that would break a connection string are kept out of generated passwords.
DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\"
# MySQL 5.7 allows user names of 16 characters; the limit can be raised for MySQL 8.
MAX_USERNAME_LENGTH = int(os.environ.get("USERNAME_CHARACTER_LIMIT", 16))


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
    ssl = {"ca": "/etc/pki/tls/cert.pem"} if use_ssl else None  # a CA makes PyMySQL verify the server
    try:
        conn = pymysql.connect(host=secret_dict["host"], user=secret_dict["username"], password=secret_dict["password"],
                               port=port, database=dbname, connect_timeout=5, ssl=ssl)
        logger.info("Connected as %s to %s (%s).", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS")
        return conn
    except pymysql.OperationalError as e:
        logger.info("Could not connect as %s to %s (%s): %s", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS", e.args[1] if len(e.args) > 1 else e)
        return None


def set_own_password(conn, username, password):
    """The user logged in on ``conn`` gives itself ``password`` (MySQL 8 and 5.7 write it differently)."""
    with conn.cursor() as cur:
        cur.execute("SELECT VERSION()")
        version = cur.fetchone()[0]
        if version.startswith("8"):
            cur.execute("SET PASSWORD = %s", (password,))
        else:
            cur.execute("SET PASSWORD = PASSWORD(%s)", (password,))
    conn.commit()


def set_clone_password(conn, username, clone, password):
    """As the master user: create ``clone`` if needed, copy ``username``'s grants to it, and
    give it the password. Grants are added on every rotation and never revoked, so a grant
    taken from the user stays on the clone until someone revokes it there too."""
    with conn.cursor() as cur:
        cur.execute("SELECT User FROM mysql.user WHERE User = %s", (clone,))
        if cur.rowcount == 0:
            cur.execute("CREATE USER %s IDENTIFIED BY %s", (clone, password))
        cur.execute("SHOW GRANTS FOR %s", (username,))
        for (grant,) in cur.fetchall():
            granted = grant.split(" TO ")[0].replace("%", "%%")  # a literal % survives the binding
            cur.execute(granted + " TO %s", (clone,))
        cur.execute("SET PASSWORD FOR %s = %s", (clone, password))
    conn.commit()


def run_test_query(conn):
    """The test testSecret runs once logged in (extend it to check what your users need)."""
    with conn.cursor() as cur:
        cur.execute("SELECT NOW()")
    conn.commit()


def close_connection(conn):
    conn.close()
