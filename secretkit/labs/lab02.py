"""Lab 2 checks: a rotation function written as ``lambda_function.py``, one question per step.

The student writes ``lambda_function.py`` as they would for AWS: ``lambda_handler(event,
context)`` (given) dispatching to ``create_secret(service_client, arn, token)``,
``set_secret``, ``test_secret`` and ``finish_secret``, with a boto3 client made from
``SECRETS_MANAGER_ENDPOINT`` and PyGreSQL's ``pgdb`` for the database. Each check is given
the file's path and tests **one** step: it builds a function from the kit's pre-built
single-user PostgreSQL template (:mod:`secretkit.rotation_functions`) with that one step
replaced by the student's, deploys it from a zip with CreateFunction and AddPermission in a
fresh seeded Cloud with a simulated PostgreSQL server, and lets Secrets Manager rotate a
secret through it. The scenarios are built to tell mistakes apart: a retry after a failure
(injected through the Lambda runtime, so the student's code stays untouched), an
unreachable database, a setSecret that did nothing, a second rotation.

Everything a check makes is its own: nothing the notebook holds is touched, so a check
cell never breaks the cells after it.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..awslambda.code import build_zip
from ..cloud import Cloud
from ..rotation_functions import source as template_source
from ..rotation_functions.deployment import LAMBDA_TRUST, rotation_policy
from ..rotation_functions.drivers import bundle_files
from . import Checks, Mistake, Unanswered, expect

__all__ = ["FUNCTION_NAME", "STEPS", "checks", "check", "package"]

checks = Checks("lab02")
check = checks.check

#: The step functions a student writes, by question.
STEPS = {"q1": "create_secret", "q2": "set_secret", "q3": "test_secret", "q4": "finish_secret"}
#: The name each check deploys its function under.
FUNCTION_NAME = "lab02-check-rotation"

_USER, _FIRST = "app_user", "first-Pa55word-0001"
_HOST = "shop-db.lab02.internal"
_ROLE = "lab02-rotation-role"  # made in each check's Cloud, with the least-privilege rotation policy
_ENDPOINT = "https://secretsmanager.us-east-1.amazonaws.com"
_SIGNATURE = ["service_client", "arn", "token"]
#: A setSecret that changes nothing: the scenario a testSecret must catch.
_IDLE_SET = "def set_secret(service_client, arn, token):\n    return None\n"


def package(source: str) -> bytes:
    """The zip a rotation function's ``lambda_function.py`` is deployed from, with the driver
    it imports (``pg`` and ``pgdb``: the kit's stand-ins for PyGreSQL over the simulated servers)."""
    return build_zip({"lambda_function.py": source, **bundle_files("pygresql")})


# ------------------------------------------------------------------ reading the answer
def _read(path: object) -> tuple[str, dict[str, ast.FunctionDef]]:
    """The answer file's text and its top-level functions; a Mistake when it cannot be used."""
    if not isinstance(path, (str, Path)):
        raise Mistake("pass the path of your function's file, e.g. check('q1', 'lambda_function.py')")
    file = Path(path)
    if not file.is_file():
        raise Mistake(f"there is no {file.name} here yet: run the %%writefile cell that writes it")
    text = file.read_text()
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise Mistake(f"{file.name} does not compile: {error.msg} (line {error.lineno})") from None
    return text, {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _idle(node: ast.FunctionDef) -> bool:
    """True when the body is only a docstring, ``...`` or ``pass`` (the notebook's placeholder)."""
    for statement in node.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and (
                statement.value.value is Ellipsis or isinstance(statement.value.value, str)):
            continue
        return False
    return True


def _assemble(path: object, step: str, replace: dict[str, str] | None = None) -> tuple[str, ast.FunctionDef]:
    """The template's function with the student's ``step`` (and the helpers it adds) in it."""
    text, functions = _read(path)
    node = functions.get(step)
    if node is None:
        raise Mistake(f"lambda_function.py defines no {step}(service_client, arn, token)")
    if [a.arg for a in node.args.args] != _SIGNATURE:
        raise Mistake(f"{step} must take (service_client, arn, token), as lambda_handler calls it")
    if _idle(node):
        raise Unanswered()
    reference = template_source("postgres", "single-user")
    known = {n.name for n in ast.parse(reference).body if isinstance(n, ast.FunctionDef)}
    tree = ast.parse(text)
    imports = [ast.get_source_segment(text, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    own = [ast.get_source_segment(text, n) for name, n in functions.items() if name == step or name not in known]
    parts = [reference, *imports, *own, *(replace or {}).values()]
    return "\n\n".join(p for p in parts if p) + "\n", node


# ------------------------------------------------------------------ a world of the check's own
@dataclass(slots=True)
class _World:
    cloud: Cloud
    sm: Any
    lam: Any
    db: Any
    arn: str
    function_arn: str

    def rotate(self) -> str:
        """Start a rotation (createSecret runs inside the call); return its token."""
        return str(self.sm.rotate_secret(SecretId=self.arn, RotationLambdaARN=self.function_arn)["VersionId"])

    def stages(self) -> dict[str, list[str]]:
        return dict(self.sm.describe_secret(SecretId=self.arn)["VersionIdsToStages"])

    def value(self, **version: str) -> str | None:
        try:
            return str(self.sm.get_secret_value(SecretId=self.arn, **version)["SecretString"])
        except Exception:  # noqa: BLE001 - no such version, or no value yet
            return None

    def failures(self) -> list[tuple[str, str]]:
        """The failed steps so far, as the RotationFailed notices record them."""
        return [(e.detail["step"], str(e.detail["error"]))
                for e in self.cloud.events.select(kind="notice", operation="RotationFailed")]

    def calls(self, operation: str) -> int:
        return len(self.cloud.events.select(kind="call", operation=operation))

    def finished(self, token: str) -> bool:
        return "AWSCURRENT" in self.stages().get(token, [])


def _world(seed: int, source: str) -> _World:
    from ..databases import databases  # the simulated servers, made when a check runs

    cloud = Cloud(seed=seed)
    sm = cloud.secretsmanager("us-east-1")
    db = databases(cloud).create("postgres", _HOST, "admin", "master-Pa55word-0000")
    db.add_user(_USER, _FIRST)
    arn = sm.create_secret(Name="lab02/check/db", SecretString=json.dumps(db.secret_dict(_USER, _FIRST)))["ARN"]
    iam = cloud.iam()
    role = iam.create_role(RoleName=_ROLE, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName=_ROLE, PolicyName="rotation", PolicyDocument=json.dumps(rotation_policy(
        "", secret_arn=arn)))
    lam = cloud.awslambda("us-east-1")
    config = lam.create_function(FunctionName=FUNCTION_NAME, Runtime="python3.12", Role=role, Timeout=30,
                                 Handler="lambda_function.lambda_handler", Code={"ZipFile": package(source)},
                                 Environment={"Variables": {"SECRETS_MANAGER_ENDPOINT": _ENDPOINT}})
    lam.add_permission(FunctionName=FUNCTION_NAME, StatementId="SecretsManagerRotationInvoke",
                       Action="lambda:InvokeFunction", Principal="secretsmanager.amazonaws.com")
    return _World(cloud, sm, lam, db, arn, str(config["FunctionArn"]))


def _failed(w: _World, step: str, since: int = 0) -> str | None:
    """The error of the first failure of ``step`` after the first ``since`` failures, if any."""
    return next((error for s, error in w.failures()[since:] if s == step), None)


def _finish(w: _World, token: str, what: str) -> None:
    """Let the rotation run (retries included) and require that it finished."""
    w.cloud.clock.advance(hours=3)
    if not w.finished(token):
        step, error = w.failures()[-1] if w.failures() else ("finishSecret", "AWSCURRENT never moved")
        raise Mistake(f"{what} did not finish: {step} failed with {error}")


# ------------------------------------------------------------------ the questions
@checks.question("q1")
def _create(path: object) -> None:
    source, node = _assemble(path, "create_secret")
    w = _world(201, source)
    w.lam.kit_failures(FUNCTION_NAME).fail("setSecret", when="before")  # stop after createSecret, then retry
    token = w.rotate()
    error = _failed(w, "createSecret")
    expect(error is None, f"createSecret failed: {error}")
    stages = w.stages()
    expect(w.calls("UpdateSecretVersionStage") == 0,
           "createSecret moved a staging label with UpdateSecretVersionStage: it only stores the new "
           "value as AWSPENDING; AWSCURRENT moves in finishSecret, after testSecret")
    expect("AWSCURRENT" not in stages.get(token, []),
           "PutSecretValue without VersionStages=['AWSPENDING'] labels the new value AWSCURRENT, "
           "before the database knows the password")
    others = [v for v in stages if v != token and w.value(VersionId=v) is not None] if len(stages) > 1 else []
    pending = w.value(VersionId=token)
    expect(pending is not None or len(others) < 2,
           "the new value went into a version of its own: pass ClientRequestToken=token to PutSecretValue")
    expect(pending is not None, "createSecret stored no value for version token: put it with ClientRequestToken=token")
    try:
        pending_dict = json.loads(pending)  # type: ignore[arg-type]
    except ValueError:
        pending_dict = None
    expect(isinstance(pending_dict, dict),
           "the pending SecretString is not JSON: it must be the secret's JSON (engine, host, username, ...) "
           "with a new password, because every step and every application reads it with json.loads")
    current = json.loads(w.value(VersionStage="AWSCURRENT") or "{}")
    lost = sorted(k for k in current if k != "password" and pending_dict.get(k) != current[k])  # type: ignore[union-attr]
    expect(not lost, f"the pending secret lost or changed {', '.join(lost)}: copy the current JSON and change only the password")
    password = pending_dict.get("password")  # type: ignore[union-attr]
    expect(password != _FIRST, "the pending version still has the old password")
    expect(isinstance(password, str) and len(password) >= 16,
           "the new password is short: ask get_random_password for 16 characters or more")
    w.cloud.clock.advance(seconds=1)  # the injected setSecret failure; Secrets Manager retries in 5 minutes
    seen = len(w.failures())
    w.cloud.clock.advance(minutes=10)
    error = _failed(w, "createSecret", seen)
    expect(error is None or "ResourceExists" not in error,
           "createSecret is not idempotent: on a retry (same token) it put a value again; keep the pending "
           "version that already exists")
    expect(error is None, f"createSecret failed on a retry with the same token: {error}")
    expect(w.value(VersionId=token) == pending, "createSecret is not idempotent: a retry changed the pending password")
    _finish(w, token, "the first rotation")
    second = w.rotate()
    _finish(w, second, "a second rotation")
    expect(json.loads(w.value(VersionId=second) or "{}").get("password") != password,
           "the second rotation kept the first one's password")
    expect(not _reads_pending_without_version(node),
           "createSecret asks for AWSPENDING without VersionId=token: that finds whichever version holds "
           "the label, not necessarily this rotation's; ask for the token's version, as AWS's templates do")


def _reads_pending_without_version(node: ast.FunctionDef) -> bool:
    """Whether a call in ``node`` reads the AWSPENDING stage without naming the token's version."""
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        words = {k.arg: k.value for k in call.keywords}
        stage = words.get("VersionStage")
        if name == "get_secret_value" and isinstance(stage, ast.Constant) and stage.value == "AWSPENDING" \
                and "VersionId" not in words:
            return True
        if name == "get_secret_dict" and len(call.args) == 3 and "token" not in words \
                and isinstance(call.args[2], ast.Constant) and call.args[2].value == "AWSPENDING":
            return True
    return False


@checks.question("q2")
def _set(path: object) -> None:
    source, _ = _assemble(path, "set_secret")
    w = _world(202, source)
    token = w.rotate()
    w.cloud.clock.advance(seconds=1)
    error = _failed(w, "setSecret")
    expect(error is None, f"setSecret failed: {error}")
    pending = json.loads(w.value(VersionId=token) or "{}")
    if not w.finished(token):
        expect(not w.db.accepts(_USER, _FIRST),
               "after setSecret the database still takes the old password: set the AWSPENDING one")
        expect(w.db.accepts(_USER, pending["password"]),
               "after setSecret the database takes neither the old nor the pending password: read the "
               "pending value of version token (VersionId=token, VersionStage='AWSPENDING')")
        _finish(w, token, "the rotation")
    # A retry after setSecret changed the password but its invocation failed anyway.
    w.lam.kit_failures(FUNCTION_NAME).fail("setSecret", when="after")
    second = w.rotate()
    w.cloud.clock.advance(seconds=1)
    seen = len(w.failures())
    w.cloud.clock.advance(minutes=10)
    error = _failed(w, "setSecret", seen)
    expect(error is None,
           "setSecret is not idempotent: on a retry the database already has the pending password, so "
           f"AWSCURRENT's no longer logs in; check the pending one first ({error})")
    _finish(w, second, "a rotation retried after setSecret")
    # The database goes away just as setSecret runs.
    third = w.rotate()
    w.db.down = True
    w.cloud.clock.advance(seconds=1)
    failed_at = [step for step, _ in w.failures()[seen:]]
    w.db.down = False
    expect(not failed_at or failed_at[-1] == "setSecret",
           "setSecret returned normally although the database was unreachable: an error it catches and "
           "ignores (a try/except that passes?) hides the failure; let it raise so Secrets Manager retries")
    expect(failed_at, "setSecret returned normally although the database was unreachable")
    _finish(w, third, "a rotation retried after the database came back")


@checks.question("q3")
def _test(path: object) -> None:
    source, _ = _assemble(path, "test_secret", {"set_secret": _IDLE_SET})
    w = _world(203, source)
    token = w.rotate()
    logins = len(w.db.logins)
    w.cloud.clock.advance(seconds=1)  # setSecret changes nothing: testSecret must fail
    if _failed(w, "testSecret") is None:
        worked = [r for r in w.db.logins[logins:] if r.ok]
        expect(not worked, "testSecret logged in with AWSCURRENT, which still works: it must log in with "
                           "the AWSPENDING version (VersionId=token), the password finishSecret will make current")
        raise Mistake("testSecret passed although the pending password does not log in: raise when "
                      "get_connection returns None")
    w.cloud.clock.advance(hours=3)
    expect(not w.finished(token), "the rotation finished although testSecret failed")
    right, _ = _assemble(path, "test_secret")
    w = _world(213, right)
    token = w.rotate()
    w.cloud.clock.advance(seconds=1)
    error = _failed(w, "testSecret")
    expect(error is None, f"testSecret failed although the pending password logs in: {error}")
    _finish(w, token, "the rotation")


@checks.question("q4")
def _finish_step(path: object) -> None:
    source, _ = _assemble(path, "finish_secret")
    w = _world(204, source)
    old = next(v for v, s in w.stages().items() if "AWSCURRENT" in s)
    token = w.rotate()
    w.cloud.clock.advance(seconds=1)
    error = _failed(w, "finishSecret")
    expect(error is None or "RemoveFromVersionId" not in error,
           "moving AWSCURRENT needs RemoveFromVersionId: the version that holds it now")
    expect(error is None or "AWSCURRENT is not on the new version" not in error or w.calls("UpdateSecretVersionStage") == 0,
           "finishSecret moved a label, but not AWSCURRENT to the token's version")
    expect(error is None or "AWSCURRENT is not on the new version" not in error,
           "finishSecret returned without moving AWSCURRENT to the token's version")
    expect(error is None, f"finishSecret failed: {error}")
    stages = w.stages()
    expect("AWSCURRENT" in stages.get(token, []), "the token's version is not AWSCURRENT")
    expect("AWSPREVIOUS" in stages.get(old, []), "the old version should now be AWSPREVIOUS")
    second = w.rotate()
    _finish(w, second, "a second rotation (three versions now)")
