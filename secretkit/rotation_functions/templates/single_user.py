# The single-user strategy: the user changes its own password. Between setSecret and
# finishSecret the database already wants the new password while AWSCURRENT still holds the
# old one, so new logins with AWSCURRENT fail in that window. Uses the engine part's
# get_connection, set_own_password, run_test_query and close_connection.


def pending_username(current_dict):
    """Single user: the user this rotation changes is the one the secret already holds."""
    return current_dict["username"]


def set_secret(service_client, arn, token):
    """setSecret: make the database accept the AWSPENDING password, logging in as the user.

    If the pending password already works (an earlier attempt got this far) there is
    nothing to do. Otherwise the user logs in with AWSCURRENT, or with AWSPREVIOUS when
    someone moved AWSCURRENT without changing the database, and changes its own password.
    """
    try:
        previous_dict = get_secret_dict(service_client, arn, "AWSPREVIOUS")
    except (service_client.exceptions.ResourceNotFoundException, KeyError):
        previous_dict = None  # none, or one written before the secret had connection keys
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)

    conn = get_connection(pending_dict)
    if conn:
        close_connection(conn)
        logger.info("setSecret: the AWSPENDING password of %s already logs in.", arn)
        return

    # The pending version must change this very user on this very host.
    if current_dict["username"] != pending_dict["username"]:
        logger.error("setSecret: pending user %s is not current user %s", pending_dict["username"], current_dict["username"])
        raise ValueError("Attempting to modify user %s other than current user %s"
                         % (pending_dict["username"], current_dict["username"]))
    if current_dict["host"] != pending_dict["host"]:
        logger.error("setSecret: pending host %s is not current host %s", pending_dict["host"], current_dict["host"])
        raise ValueError("Attempting to modify user for host %s other than current host %s"
                         % (pending_dict["host"], current_dict["host"]))

    conn = get_connection(current_dict)
    if not conn and previous_dict:
        if previous_dict["username"] != pending_dict["username"] or previous_dict["host"] != pending_dict["host"]:
            raise ValueError("Attempting to modify user %s for host %s other than the previous user and host"
                             % (pending_dict["username"], pending_dict["host"]))
        conn = get_connection(previous_dict)
    if not conn:
        logger.error("setSecret: no version of %s logs in", arn)
        raise ValueError("Unable to log into database with previous, current, or pending secret of secret arn %s" % arn)

    try:
        set_own_password(conn, pending_dict["username"], pending_dict["password"])
        logger.info("setSecret: set the pending password of user %s for %s.", pending_dict["username"], arn)
    finally:
        close_connection(conn)
