"""The pre-built rotation functions as Lambda code packages: which exist, their source, their zip.

Each function is a ``lambda_function.py`` in the shape of AWS's published rotation
templates (``aws-samples/aws-secrets-manager-rotation-lambdas``): ``lambda_handler(event,
context)`` checks the secret's state and dispatches on ``event["Step"]`` to
``create_secret(service_client, arn, token)``, ``set_secret``, ``test_secret`` and
``finish_secret``; the handler makes its Secrets Manager client with
``boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])``; the
templates' environment variables (``EXCLUDE_CHARACTERS``, ``PASSWORD_LENGTH``,
``EXCLUDE_NUMBERS``, ``EXCLUDE_PUNCTUATION``, ``EXCLUDE_UPPERCASE``, ``EXCLUDE_LOWERCASE``,
``REQUIRE_EACH_INCLUDED_TYPE``; MySQL also ``USERNAME_CHARACTER_LIMIT``) shape the password.
They are the kit's own code, written like AWS's, not AWS's.

The kit keeps each file's source as three parts in ``templates/`` (what every function
shares, the strategy, the engine) and joins them into one ``lambda_function.py``
(:func:`source`), so the same step logic is written once. :func:`package` zips that file
with the database driver its imports need (see :mod:`.drivers`): the same bytes every time.

===================  ====================================  ============================
engine               strategies                            imports (bundled driver)
===================  ====================================  ============================
postgres,            single-user, alternating-users        ``pg``, ``pgdb`` (PyGreSQL)
aurora-postgresql
mysql, aurora-mysql  single-user, alternating-users        ``pymysql`` (PyMySQL)
mariadb              single-user, alternating-users        ``pymysql`` (PyMySQL)
redshift             single-user, alternating-users        ``pg``, ``pgdb`` (PyGreSQL)
docdb                single-user, alternating-users        ``pymongo``
===================  ====================================  ============================
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from dataclasses import dataclass
from importlib import resources

from ..awslambda.code import build_zip
from .drivers import bundle_files

__all__ = ["DRIVERS", "ENGINES", "STRATEGIES", "Template", "package", "source", "template"]

STRATEGIES = ("single-user", "alternating-users")
HANDLER = "lambda_function.lambda_handler"


@dataclass(frozen=True, slots=True)
class Template:
    """One engine family's function: its parts and what it imports."""

    family: str  # the engine part: postgresql, mysql, redshift, documentdb
    engines: tuple[str, ...]  # the ``engine`` values of the secrets it rotates
    title: str
    aws_single: str  # the AWS template it is shaped like, single user
    aws_multi: str  # ... and alternating users
    simulated: str  # the driver bundle for the simulated servers
    real: str | None = None  # the driver bundle for a real server, if the kit runs one


_TEMPLATES = (
    Template("postgresql", ("postgres", "aurora-postgresql"), "PostgreSQL and Aurora PostgreSQL",
             "SecretsManagerRDSPostgreSQLRotationSingleUser", "SecretsManagerRDSPostgreSQLRotationMultiUser",
             "pygresql", "pygresql-real"),
    Template("mysql", ("mysql", "aurora-mysql"), "MySQL and Aurora MySQL",
             "SecretsManagerRDSMySQLRotationSingleUser", "SecretsManagerRDSMySQLRotationMultiUser", "pymysql"),
    # AWS's MariaDB templates are its MySQL ones accepting only "mariadb": the same engine part.
    Template("mysql", ("mariadb",), "MariaDB",
             "SecretsManagerRDSMariaDBRotationSingleUser", "SecretsManagerRDSMariaDBRotationMultiUser", "pymysql"),
    Template("redshift", ("redshift",), "Amazon Redshift",
             "SecretsManagerRedshiftRotationSingleUser", "SecretsManagerRedshiftRotationMultiUser", "pygresql"),
    Template("documentdb", ("docdb",), "Amazon DocumentDB",
             "SecretsManagerMongoDBRotationSingleUser", "SecretsManagerMongoDBRotationMultiUser", "pymongo"),
)
#: engine -> its template
ENGINES: dict[str, Template] = {engine: t for t in _TEMPLATES for engine in t.engines}
#: what a package may bundle: ``simulated`` (the kit's stand-ins, for the simulated servers),
#: ``real`` (for a real server the kit starts: PostgreSQL through psycopg) or ``none`` (the
#: driver is installed where the function runs, as PyGreSQL may be)
DRIVERS = ("simulated", "real", "none")


def template(engine: str, strategy: str) -> Template:
    """The template for ``engine``, checking ``strategy``; ``ValueError`` names what exists."""
    found = ENGINES.get(engine)
    if found is None:
        raise ValueError(f"no pre-built rotation function for engine {engine!r}; there are: {', '.join(ENGINES)}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {strategy!r}")
    return found


def _part(name: str) -> tuple[list[str], str]:
    """A part's import lines and its body (the maintainers' header comment left out)."""
    text = resources.files(__package__).joinpath("templates", f"{name}.py").read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    rest = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    import_lines = [lines[node.lineno - 1] for node in imports]
    start = (imports[-1].end_lineno or 0) if imports else 0
    if not imports and rest:  # no imports: the body starts after the header comment
        start = rest[0].lineno - 1
    return import_lines, "\n".join(lines[start:]).strip("\n")


def source(engine: str, strategy: str) -> str:
    """The ``lambda_function.py`` of the pre-built function for ``engine`` and ``strategy``."""
    found = template(engine, strategy)
    strategy_part = "single_user" if strategy == "single-user" else "multi_user"
    parts = [_part("common"), _part(strategy_part), _part(found.family)]
    imports = sorted({line for lines, _ in parts for line in lines})
    stdlib = [line for line in imports if line.split()[1].split(".")[0] in sys.stdlib_module_names]
    others = [line for line in imports if line not in stdlib]  # boto3 and the database driver
    aws = found.aws_single if strategy == "single-user" else found.aws_multi
    if strategy == "single-user":
        title, scheme, keys = "single user", "The user changes its own password.", ""
    else:
        title = "alternating users"
        scheme = ("Two logins, the user and its clone: the master user (the secret's masterarn) changes "
                  "the one clients are not using, so the one they use keeps working.")
        keys = ", and masterarn (the secret of the master user)"
    header = "\n\n".join(textwrap.fill(paragraph, 96) for paragraph in (
        f"Secrets Manager rotation function for {found.title}, {title}. {scheme}",
        f"Written by secretkit in the shape of AWS's {aws} template: lambda_handler checks the "
        "secret's state and dispatches each rotation step to create_secret, set_secret, test_secret or "
        "finish_secret, with a Secrets Manager client made from SECRETS_MANAGER_ENDPOINT.",
        f"The secret is JSON with engine ({' or '.join(found.engines)}), host, username and password, "
        f"optionally port and dbname{keys}.",
    ))
    engine_constants, engine_functions = parts[2][1].split("\n\n\ndef ", 1)
    engine_constants = re.sub(r"^SUPPORTED_ENGINES = .*$", f"SUPPORTED_ENGINES = {found.engines!r}", engine_constants,
                              count=1, flags=re.M)
    top = [f'"""{header}\n"""', "\n".join(stdlib), "\n".join(others)]
    body = [engine_constants, parts[0][1], parts[1][1], "def " + engine_functions]
    return "\n\n".join(top) + "\n\n" + "\n\n\n".join(body) + "\n"


def package(engine: str, strategy: str, *, driver: str = "simulated") -> bytes:
    """The function's code package: ``lambda_function.py`` and the driver it imports, zipped.

    ``driver`` is one of :data:`DRIVERS`; ``real`` exists for PostgreSQL only (the server
    of lab 6).
    """
    found = template(engine, strategy)
    if driver not in DRIVERS:
        raise ValueError(f"driver must be one of {', '.join(DRIVERS)}, got {driver!r}")
    files: dict[str, str | bytes] = {"lambda_function.py": source(engine, strategy)}
    if driver == "simulated":
        files.update(bundle_files(found.simulated))
    elif driver == "real":
        if found.real is None:
            raise ValueError(f"the kit runs no real {found.title} server: use driver='simulated'")
        files.update(bundle_files(found.real))
    return build_zip(files)
