# The part every rotation function the kit builds shares: the handler, createSecret,
# testSecret, finishSecret and the helpers that read the secret and make passwords. The kit
# assembles a package's lambda_function.py from this part, one strategy part (single_user.py
# or multi_user.py) and one engine part (postgresql.py, mysql.py, redshift.py, documentdb.py);
# see secretkit.rotation_functions.packages. Names used here and defined in another part:
# SUPPORTED_ENGINES, DEFAULT_EXCLUDE_CHARACTERS, pending_username, set_secret (strategy), and
# get_connection, run_test_query, close_connection (engine).
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    """Run one step of a rotation; Secrets Manager invokes the function once per step.

    Args:
        event (dict): ``SecretId`` (the secret's ARN), ``ClientRequestToken`` (the VersionId of
            the version being rotated in) and ``Step`` (createSecret, setSecret, testSecret
            or finishSecret).
        context (LambdaContext): the Lambda runtime's context (not used).

    Raises:
        ResourceNotFoundException: the secret, or the version asked for, does not exist.
        ValueError: the secret is not set up for this rotation, or a step failed.
        KeyError: the secret's JSON lacks a key this function needs.
    """
    arn = event["SecretId"]
    token = event["ClientRequestToken"]
    step = event["Step"]

    # The function makes its own client, at the endpoint its configuration names.
    service_client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])

    # Every step first checks that the token's version is the one being rotated in.
    metadata = service_client.describe_secret(SecretId=arn)
    if "RotationEnabled" in metadata and not metadata["RotationEnabled"]:
        logger.error("Secret %s is not enabled for rotation.", arn)
        raise ValueError("Secret %s is not enabled for rotation." % arn)
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        logger.error("Secret version %s has no stage for rotation of secret %s.", token, arn)
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        logger.info("Secret version %s is already AWSCURRENT for secret %s: nothing to do.", token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        logger.error("Secret version %s is not AWSPENDING for rotation of secret %s.", token, arn)
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))

    if step == "createSecret":
        create_secret(service_client, arn, token)
    elif step == "setSecret":
        set_secret(service_client, arn, token)
    elif step == "testSecret":
        test_secret(service_client, arn, token)
    elif step == "finishSecret":
        finish_secret(service_client, arn, token)
    else:
        logger.error("lambda_handler: invalid step %s for secret %s.", step, arn)
        raise ValueError("Invalid step parameter %s for secret %s" % (step, arn))


def create_secret(service_client, arn, token):
    """createSecret: store the next credentials as the AWSPENDING version ``token``, once.

    A retry finds the pending value already there and keeps it, so every attempt of one
    rotation works with the same new password.
    """
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    try:
        get_secret_dict(service_client, arn, "AWSPENDING", token)
        logger.info("createSecret: the pending version of %s already holds its value.", arn)
    except service_client.exceptions.ResourceNotFoundException:
        current_dict["username"] = pending_username(current_dict)
        current_dict["password"] = get_random_password(service_client)
        service_client.put_secret_value(SecretId=arn, ClientRequestToken=token,
                                        SecretString=json.dumps(current_dict), VersionStages=["AWSPENDING"])
        logger.info("createSecret: put the pending value of %s as version %s.", arn, token)


def test_secret(service_client, arn, token):
    """testSecret: log in with the AWSPENDING credentials and run the test query."""
    conn = get_connection(get_secret_dict(service_client, arn, "AWSPENDING", token))
    if not conn:
        logger.error("testSecret: the pending password of %s does not log in", arn)
        raise ValueError("Unable to log into database with pending secret of secret ARN %s" % arn)
    try:
        run_test_query(conn)
        logger.info("testSecret: logged in with the AWSPENDING password of %s.", arn)
    finally:
        close_connection(conn)


def finish_secret(service_client, arn, token):
    """finishSecret: move AWSCURRENT to version ``token`` (Secrets Manager moves AWSPREVIOUS along)."""
    metadata = service_client.describe_secret(SecretId=arn)
    current_version = None
    for version, stages in metadata["VersionIdsToStages"].items():
        if "AWSCURRENT" in stages:
            if version == token:
                logger.info("finishSecret: version %s of %s is already AWSCURRENT.", version, arn)
                return
            current_version = version
            break
    service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                               RemoveFromVersionId=current_version)
    logger.info("finishSecret: AWSCURRENT of %s moved to version %s.", arn, token)


def get_secret_dict(service_client, arn, stage, token=None):
    """The JSON of one version of a secret, checked for the keys this function needs.

    Args:
        service_client (client): the Secrets Manager client.
        arn (str): the secret's ARN (or name).
        stage (str): the staging label to read.
        token (str): the VersionId that must carry ``stage``, or None to read ``stage`` alone.

    Raises:
        ResourceNotFoundException: no such version (an AWSPENDING placeholder without a
            value yet counts as none).
        KeyError: a required key is missing, or ``engine`` is not one this function rotates.
    """
    if token:
        secret = service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=stage)
    else:
        secret = service_client.get_secret_value(SecretId=arn, VersionStage=stage)
    secret_dict = json.loads(secret["SecretString"])
    for field in ("host", "username", "password"):
        if field not in secret_dict:
            raise KeyError("%s key is missing from secret JSON" % field)
    if secret_dict.get("engine") not in SUPPORTED_ENGINES:
        raise KeyError("Database engine must be set to one of %s in order to use this rotation function"
                       % ", ".join(SUPPORTED_ENGINES))
    return secret_dict


def get_ssl_config(secret_dict):
    """Whether to connect with TLS, and whether to fall back to a plain connection.

    No ``ssl`` key: try TLS, fall back. ``true``/``false`` (a bool, or the string in any
    case): exactly that, no fallback. Anything else: as if there were no key.
    """
    if "ssl" not in secret_dict:
        return True, True
    if isinstance(secret_dict["ssl"], bool):
        return secret_dict["ssl"], False
    if isinstance(secret_dict["ssl"], str) and secret_dict["ssl"].lower() in ("true", "false"):
        return secret_dict["ssl"].lower() == "true", False
    return True, True


def get_environment_bool(variable_name, default_value):
    """An environment variable as a bool: true for ``true``, ``1``, ``y`` or ``yes`` (any case)."""
    variable = os.environ.get(variable_name, str(default_value))
    return variable.lower() in ("true", "1", "y", "yes")


def get_random_password(service_client):
    """A new password from GetRandomPassword, shaped by the function's environment variables:
    EXCLUDE_CHARACTERS, PASSWORD_LENGTH, EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION,
    EXCLUDE_UPPERCASE, EXCLUDE_LOWERCASE and REQUIRE_EACH_INCLUDED_TYPE."""
    passwd = service_client.get_random_password(
        ExcludeCharacters=os.environ.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS),
        PasswordLength=int(os.environ.get("PASSWORD_LENGTH", 32)),
        ExcludeNumbers=get_environment_bool("EXCLUDE_NUMBERS", False),
        ExcludePunctuation=get_environment_bool("EXCLUDE_PUNCTUATION", False),
        ExcludeUppercase=get_environment_bool("EXCLUDE_UPPERCASE", False),
        ExcludeLowercase=get_environment_bool("EXCLUDE_LOWERCASE", False),
        RequireEachIncludedType=get_environment_bool("REQUIRE_EACH_INCLUDED_TYPE", True),
    )
    return passwd["RandomPassword"]
