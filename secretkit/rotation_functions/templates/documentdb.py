# The engine part for Amazon DocumentDB, through pymongo, as AWS's MongoDB templates connect.
from pymongo import MongoClient, errors

SUPPORTED_ENGINES = ("docdb",)
DEFAULT_PORT = 27017
DEFAULT_DBNAME = "admin"
DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\"
MAX_USERNAME_LENGTH = 63


def get_connection(secret_dict):
    """The secret's database, logged in with its credentials, or None if they are refused.

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
    """One login attempt; None if it fails. The client logs in at its first command, so the
    attempt ends with a ``ping``."""
    client = MongoClient(host=secret_dict["host"], port=port, username=secret_dict["username"],
                         password=secret_dict["password"], authSource=dbname, tls=use_ssl,
                         connectTimeoutMS=5000, serverSelectionTimeoutMS=5000)
    try:
        db = client[dbname]
        db.command("ping")
        logger.info("Connected as %s to %s (%s).", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS")
        return db
    except errors.PyMongoError as e:
        client.close()
        logger.info("Could not connect as %s to %s (%s): %s", secret_dict["username"], secret_dict["host"],
                    "TLS" if use_ssl else "no TLS", e)
        return None


def set_own_password(db, username, password):
    """The user logged in gives itself ``password``."""
    db.command("updateUser", username, pwd=password)


def set_clone_password(db, username, clone, password):
    """As the master user: give ``clone`` the password; the first time, create it with the
    roles ``username`` has."""
    if db.command("usersInfo", clone)["users"]:
        db.command("updateUser", clone, pwd=password)
    else:
        roles = db.command("usersInfo", username)["users"][0]["roles"]
        db.command("createUser", clone, pwd=password, roles=roles)


def run_test_query(db):
    """The test testSecret runs once logged in (extend it to check what your users need)."""
    db.command("ping")


def close_connection(db):
    db.client.close()
