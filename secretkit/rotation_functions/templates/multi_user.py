# The alternating-users strategy: two logins, the user and its clone (app and app_clone).
# Each rotation, the master user (named by the secret's masterarn) changes the password of
# the one clients do not hold, creating the clone the first time, so the login clients use
# keeps working throughout. Uses the engine part's get_connection, set_clone_password,
# run_test_query, close_connection and MAX_USERNAME_LENGTH.

CLONE_SUFFIX = "_clone"


def pending_username(current_dict):
    """Alternating users: this rotation changes the other login."""
    return get_alt_username(current_dict["username"])


def get_alt_username(current_username):
    """``app`` <-> ``app_clone``.

    Raises:
        ValueError: the clone's name would be longer than the engine allows.
    """
    if current_username.endswith(CLONE_SUFFIX):
        return current_username[: -len(CLONE_SUFFIX)]
    new_username = current_username + CLONE_SUFFIX
    if len(new_username) > MAX_USERNAME_LENGTH:
        raise ValueError("Unable to clone user, username length with %s appended would exceed %s characters"
                         % (CLONE_SUFFIX, MAX_USERNAME_LENGTH))
    return new_username


def set_secret(service_client, arn, token):
    """setSecret: as the master user, give the other login the AWSPENDING password.

    If the pending password already works there is nothing to do. The current credentials
    must still log in first: the master is never used on behalf of a secret whose own
    credentials fail (the confused-deputy check).
    """
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)

    conn = get_connection(pending_dict)
    if conn:
        close_connection(conn)
        logger.info("setSecret: the AWSPENDING password of %s already logs in.", arn)
        return

    if get_alt_username(current_dict["username"]) != pending_dict["username"]:
        logger.error("setSecret: pending user %s is not the other login of %s", pending_dict["username"], current_dict["username"])
        raise ValueError("Attempting to modify user %s other than current user or clone %s"
                         % (pending_dict["username"], current_dict["username"]))
    if current_dict["host"] != pending_dict["host"]:
        logger.error("setSecret: pending host %s is not current host %s", pending_dict["host"], current_dict["host"])
        raise ValueError("Attempting to modify user for host %s other than current host %s"
                         % (pending_dict["host"], current_dict["host"]))

    conn = get_connection(current_dict)
    if not conn:
        logger.error("setSecret: the current credentials of %s do not log in", arn)
        raise ValueError("Unable to log into database using current credentials for secret %s" % arn)
    close_connection(conn)

    if "masterarn" not in current_dict:
        raise KeyError("masterarn key is missing from secret JSON")
    master_arn = current_dict["masterarn"]
    master_dict = get_secret_dict(service_client, master_arn, "AWSCURRENT")
    if current_dict["host"] != master_dict["host"]:
        logger.error("setSecret: host %s is not the master's host %s", current_dict["host"], master_dict["host"])
        raise ValueError("Current database host %s is not the same host as master %s"
                         % (current_dict["host"], master_dict["host"]))

    conn = get_connection(master_dict)
    if not conn:
        logger.error("setSecret: the master secret %s does not log in", master_arn)
        raise ValueError("Unable to log into database using credentials in master secret %s" % master_arn)
    try:
        set_clone_password(conn, current_dict["username"], pending_dict["username"], pending_dict["password"])
        logger.info("setSecret: set the pending password of user %s for %s.", pending_dict["username"], arn)
    finally:
        close_connection(conn)
