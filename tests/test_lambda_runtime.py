"""The Lambda runtime: environment, context, logs, cold and warm starts, errors, time.

Every function here is a ``lambda_function.py`` written as it would be for AWS, zipped in
the test and deployed with CreateFunction.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys

import pytest

import secretkit
from secretkit.awslambda.service import Lambda

from _lambda_support import ROLE, call, deploy, lambda_service, zip_of


@pytest.fixture
def cloud() -> secretkit.Cloud:
    return secretkit.Cloud(seed=3, start="2026-03-01")


@pytest.fixture
def lam(cloud: secretkit.Cloud) -> Lambda:
    return lambda_service(cloud)


ENV_PROBE = """
import os
SEEN_AT_INIT = {k: os.environ.get(k) for k in ("AWS_REGION", "TABLE", "HOME_FROM_NOTEBOOK")}
def lambda_handler(event, context):
    names = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
             "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "_HANDLER",
             "LAMBDA_TASK_ROOT", "AWS_EXECUTION_ENV", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_SESSION_TOKEN", "_X_AMZN_TRACE_ID", "TABLE", "HOME_FROM_NOTEBOOK", "LAMBDA_RUNTIME_DIR"]
    return {"env": {n: os.environ.get(n) for n in names}, "init": SEEN_AT_INIT}
"""


def test_reserved_variables_and_the_functions_own_are_set_while_it_runs(lam: Lambda, monkeypatch) -> None:
    monkeypatch.setenv("HOME_FROM_NOTEBOOK", "visible outside only")
    deploy(lam, "probe", ENV_PROBE, MemorySize=256, Environment={"Variables": {"TABLE": "orders"}})
    _, body = call(lam, "probe")
    env = body["env"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "probe"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/probe"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].startswith("2026/03/01/[$LATEST]")
    assert env["_HANDLER"] == "lambda_function.lambda_handler"
    assert env["LAMBDA_TASK_ROOT"] == "/var/task" and env["LAMBDA_RUNTIME_DIR"] == "/var/runtime"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_ACCESS_KEY_ID"].startswith("ASIA") and env["AWS_SECRET_ACCESS_KEY"] and env["AWS_SESSION_TOKEN"]
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    assert env["TABLE"] == "orders"
    assert env["HOME_FROM_NOTEBOOK"] is None  # the notebook's variables are not the function's
    assert body["init"] == {"AWS_REGION": "us-east-1", "TABLE": "orders", "HOME_FROM_NOTEBOOK": None}


def test_the_process_environment_is_restored_exactly_even_after_errors(lam: Lambda, monkeypatch) -> None:
    monkeypatch.setenv("NOTEBOOK_ONLY", "1")
    before = dict(os.environ)
    deploy(lam, "mutator", """
        import os
        os.environ["SET_AT_INIT"] = "yes"
        def lambda_handler(event, context):
            os.environ["SET_BY_HANDLER"] = "yes"
            os.environ.pop("TABLE")
            if event.get("fail"):
                raise RuntimeError("boom")
            return sorted(k for k in os.environ if k.startswith("SET_"))
    """, Environment={"Variables": {"TABLE": "t"}})
    _, first = call(lam, "mutator")
    assert first == ["SET_AT_INIT", "SET_BY_HANDLER"]
    assert dict(os.environ) == before
    out, _ = call(lam, "mutator", {"fail": True})
    assert out["FunctionError"] == "Unhandled"
    assert dict(os.environ) == before


def test_variables_a_function_sets_persist_in_its_warm_environment_only(lam: Lambda) -> None:
    deploy(lam, "counter", """
        import os
        def lambda_handler(event, context):
            n = int(os.environ.get("COUNT", "0")) + 1
            os.environ["COUNT"] = str(n)
            return n
    """)
    assert [call(lam, "counter")[1] for _ in range(3)] == [1, 2, 3]
    assert "COUNT" not in os.environ


def test_the_context_has_aws_attributes_and_remaining_time_on_the_modelled_clock(lam: Lambda) -> None:
    deploy(lam, "ctx", """
        import time
        def lambda_handler(event, context):
            before = context.get_remaining_time_in_millis()
            time.sleep(1.5)
            return {
                "name": context.function_name, "version": context.function_version,
                "arn": context.invoked_function_arn, "memory": context.memory_limit_in_mb,
                "memory_type": type(context.memory_limit_in_mb).__name__, "request": context.aws_request_id,
                "group": context.log_group_name, "stream": context.log_stream_name,
                "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
                "client_context": context.client_context,
                "before": before, "after": context.get_remaining_time_in_millis(),
            }
    """, Timeout=10, MemorySize=512)
    _, body = call(lam, "ctx")
    assert body["name"] == "ctx" and body["version"] == "$LATEST"
    assert body["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ctx"
    assert body["memory"] == "512" and body["memory_type"] == "str"
    assert body["group"] == "/aws/lambda/ctx" and body["stream"].startswith("2026/03/01/[$LATEST]")
    assert body["identity"] == [None, None] and body["client_context"] is None
    assert (body["before"], body["after"]) == (10_000, 8_500)
    assert len(body["request"]) == 36


def test_the_invoked_arn_keeps_the_qualifier_the_caller_used(lam: Lambda) -> None:
    deploy(lam, "q", "def lambda_handler(event, context):\n    return context.invoked_function_arn\n")
    assert call(lam, "q:$LATEST")[1].endswith("function:q:$LATEST")
    assert call(lam, "arn:aws:lambda:us-east-1:123456789012:function:q")[1].endswith("function:q")


def test_prints_logging_and_context_log_are_captured_with_lambda_lines(lam: Lambda, capsys) -> None:
    deploy(lam, "talker", """
        import logging, sys
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)
        print("module level")
        def lambda_handler(event, context):
            print("hello from print")
            print("to stderr", file=sys.stderr)
            logger.info("info %s", event["n"])
            logger.debug("not shown at INFO")
            context.log("via context\\n")
            return "ok"
    """)
    out, _ = call(lam, "talker", {"n": 7}, LogType="Tail")
    log = base64.b64decode(out["LogResult"]).decode()
    lines = log.splitlines()
    request_id = lines[1].split()[2]
    assert lines[0] == "module level"
    assert lines[1] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[2:5] == ["hello from print", "to stderr", f"[INFO]\t2026-03-01T00:00:00.100Z\t{request_id}\tinfo 7"]
    assert lines[5] == "via context"
    assert "not shown" not in log
    assert lines[6] == f"END RequestId: {request_id}"
    assert lines[7] == (f"REPORT RequestId: {request_id}\tDuration: 100.00 ms\tBilled Duration: 200 ms\t"
                        "Memory Size: 128 MB\tInit Duration: 100.00 ms")
    assert capsys.readouterr() == ("", "")  # nothing reached the notebook's own streams
    assert logging.getLogger().level == logging.WARNING  # the notebook's root logger is untouched


def test_log_level_set_at_init_survives_warm_invocations(lam: Lambda) -> None:
    deploy(lam, "lvl", """
        import logging
        logging.getLogger().setLevel(logging.INFO)
        def lambda_handler(event, context):
            logging.getLogger().info("warm %s", event["i"])
    """)
    for i in range(2):
        call(lam, "lvl", {"i": i})
    second = lam.kit_logs("lvl")[1]
    assert "warm 1" in second and "Init Duration" not in second


def test_log_result_is_the_last_4_kb(lam: Lambda) -> None:
    deploy(lam, "chatty", "def lambda_handler(event, context):\n    print('x' * 10000)\n")
    out, _ = call(lam, "chatty", LogType="Tail")
    tail = base64.b64decode(out["LogResult"])
    assert len(tail) == 4096 and tail.endswith(b"Init Duration: 100.00 ms\n")
    full = lam.kit_logs("chatty")[0]
    assert full.encode().endswith(tail) and len(full) > 10000


def test_module_init_runs_once_per_cold_start_and_again_after_new_code_or_config(lam: Lambda) -> None:
    source = """
        import itertools
        COUNTER = itertools.count(1)
        def lambda_handler(event, context):
            return next(COUNTER)
    """
    deploy(lam, "warm", source)
    assert [call(lam, "warm")[1] for _ in range(3)] == [1, 2, 3]
    lam.update_function_configuration(FunctionName="warm", Description="new config")
    assert call(lam, "warm")[1] == 1
    lam.update_function_code(FunctionName="warm", ZipFile=zip_of(source))
    assert call(lam, "warm")[1] == 1
    detail = [e.detail["cold_start"] for e in lam.env.events.select(kind="invoke")]
    assert detail == [True, False, False, True, True]


def test_two_functions_with_the_same_module_name_never_see_each_other(lam: Lambda) -> None:
    deploy(lam, "one", "NAME = 'one'\ndef lambda_handler(event, context):\n    import helper\n    return [NAME, helper.WHO]\n")
    lam.update_function_code(FunctionName="one", ZipFile=zip_of(
        "NAME = 'one'\ndef lambda_handler(event, context):\n    import helper\n    return [NAME, helper.WHO]\n",
        {"helper.py": "WHO = 'helper of one'\n"}))
    lam.create_function(FunctionName="two", Runtime="python3.12", Role=ROLE, Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": zip_of(
                            "NAME = 'two'\ndef lambda_handler(event, context):\n    import helper\n    return [NAME, helper.WHO]\n",
                            {"helper.py": "WHO = 'helper of two'\n"})})
    for _ in range(2):
        assert call(lam, "one")[1] == ["one", "helper of one"]
        assert call(lam, "two")[1] == ["two", "helper of two"]
    assert "lambda_function" not in sys.modules and "helper" not in sys.modules


def test_a_notebook_module_of_the_same_name_is_hidden_and_restored(lam: Lambda, monkeypatch) -> None:
    notebook_module = type(sys)("lambda_function")
    notebook_module.NAME = "the notebook's copy"
    monkeypatch.setitem(sys.modules, "lambda_function", notebook_module)
    deploy(lam, "zipped", "NAME = 'zipped'\ndef lambda_handler(event, context):\n    import lambda_function\n    return lambda_function.NAME\n")
    assert call(lam, "zipped")[1] == "zipped"
    assert sys.modules["lambda_function"] is notebook_module


def test_packages_and_handler_paths_with_slashes(lam: Lambda) -> None:
    blob = zip_of("", {"src/__init__.py": "", "src/app.py": "from . import util\ndef handler(e, c):\n    return util.double(e['n'])\n",
                       "src/util.py": "def double(n):\n    return 2 * n\n"})
    lam.create_function(FunctionName="nested", Runtime="python3.12", Role=ROLE, Handler="src/app.handler",
                        Code={"ZipFile": blob})
    assert call(lam, "nested", {"n": 21})[1] == 42


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "handler, source, error_type, message",
    [
        ("lambda_handler", "def lambda_handler(e, c):\n    return 1\n", "Runtime.MalformedHandlerName",
         "Bad handler 'lambda_handler': not enough values to unpack (expected 2, got 1)"),
        ("sys.handler", "", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys as a handler module"),
        ("missing.lambda_handler", "", "Runtime.ImportModuleError",
         "Unable to import module 'missing': No module named 'missing'"),
        ("lambda_function.lambda_handler", "import not_installed_anywhere\n", "Runtime.ImportModuleError",
         "Unable to import module 'lambda_function': No module named 'not_installed_anywhere'"),
        ("lambda_function.nope", "def lambda_handler(e, c):\n    return 1\n", "Runtime.HandlerNotFound",
         "Handler 'nope' missing on module 'lambda_function'"),
    ],
)
def test_init_errors_have_lambdas_error_types(lam: Lambda, handler: str, source: str, error_type: str,
                                              message: str) -> None:
    deploy(lam, "broken", source, handler=handler)
    out, body = call(lam, "broken")
    assert out["StatusCode"] == 200 and out["FunctionError"] == "Unhandled"
    assert body == {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": []}
    log = lam.kit_logs("broken")[0]
    assert f"[ERROR] {error_type}: {message}" in log and f"Status: error\tError Type: {error_type}" in log


def test_a_syntax_error_and_a_module_that_raises_on_import(lam: Lambda) -> None:
    deploy(lam, "syntax", "def lambda_handler(event, context)\n    return 1\n")
    _, body = call(lam, "syntax")
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"].startswith("Syntax error in module 'lambda_function': expected ':'")
    assert body["stackTrace"][0].startswith('  File "/var/task/lambda_function.py" Line 1')
    deploy(lam, "raises", "import os\nTABLE = os.environ['TABLE_NAME']\ndef lambda_handler(e, c):\n    return 1\n")
    _, body = call(lam, "raises")
    assert (body["errorType"], body["errorMessage"]) == ("KeyError", "'TABLE_NAME'")
    assert '  File "/var/task/lambda_function.py", line 2, in <module>\n    TABLE = os.environ[\'TABLE_NAME\']\n' in body["stackTrace"]
    assert "__getitem__" in body["stackTrace"][-1]  # the frame that raised, inside os, as on AWS
    # Init failed, so the next invocation initialises again (and fails again)
    call(lam, "raises")
    assert [e.detail["cold_start"] for e in lam.env.events.select(kind="invoke")][-2:] == [True, True]


def test_an_exception_in_the_handler_becomes_lambdas_error_document(lam: Lambda) -> None:
    deploy(lam, "fails", """
        def lambda_handler(event, context):
            return helper(event)

        def helper(event):
            raise ValueError(f"bad step {event['Step']}")
    """)
    out, body = call(lam, "fails", {"Step": "setSecret"})
    assert out["FunctionError"] == "Unhandled"
    assert set(body) == {"errorMessage", "errorType", "requestId", "stackTrace"}
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "bad step setSecret")
    assert body["stackTrace"] == [
        '  File "/var/task/lambda_function.py", line 3, in lambda_handler\n    return helper(event)\n',
        '  File "/var/task/lambda_function.py", line 6, in helper\n    raise ValueError(f"bad step {event[\'Step\']}")\n',
    ]
    log = lam.kit_logs("fails")[0]
    assert f"[ERROR] ValueError: bad step setSecret\nTraceback (most recent call last):\n" in log
    assert body["requestId"] in log
    # an ordinary exception does not reset the environment: the next call is warm
    call(lam, "fails", {"Step": "x"})
    assert [e.detail["cold_start"] for e in lam.env.events.select(kind="invoke")] == [True, False]


@pytest.mark.parametrize(
    "expression, fragment",
    [("{1, 2}", "Object of type set is not JSON serializable"),
     ("object()", "Object of type object is not JSON serializable")],
)
def test_a_result_that_is_not_json_is_a_marshal_error(lam: Lambda, expression: str, fragment: str) -> None:
    deploy(lam, "marshal", f"def lambda_handler(event, context):\n    return {expression}\n")
    out, body = call(lam, "marshal")
    assert out["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.MarshalError"
    assert body["errorMessage"] == f"Unable to marshal response: {fragment}"


def test_results_are_marshalled_as_the_python_runtime_does(lam: Lambda) -> None:
    deploy(lam, "values", """
        from decimal import Decimal
        def lambda_handler(event, context):
            if event["kind"] == "bytes":
                return b"raw bytes"
            return {"n": Decimal("3"), "f": Decimal("1.5"), "none": None, "text": "caf\\u00e9"}
    """)
    out = lam.invoke(FunctionName="values", Payload='{"kind": "bytes"}')
    assert out["Payload"] == b"raw bytes"
    out = lam.invoke(FunctionName="values", Payload='{"kind": "dict"}')
    assert out["Payload"] == '{"n": 3, "f": 1.5, "none": null, "text": "café"}'.encode()


def test_a_sleep_past_the_timeout_times_out_and_resets_the_environment(lam: Lambda) -> None:
    deploy(lam, "slow", """
        import time
        CALLS = []
        def lambda_handler(event, context):
            CALLS.append(1)
            time.sleep(event["seconds"])
            return len(CALLS)
    """, Timeout=2)
    out, body = call(lam, "slow", {"seconds": 5})
    assert out["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"] == f"RequestId: {body['errorMessage'].split()[1]} Error: Task timed out after 2.00 seconds"
    log = lam.kit_logs("slow")[0]
    assert "\tDuration: 2000.00 ms\tBilled Duration: 2100 ms" in log and log.rstrip().endswith("Status: timeout")
    # the environment was reset: module state starts again, Init runs inside this invocation
    _, count = call(lam, "slow", {"seconds": 0.5})
    assert count == 1
    second = lam.kit_logs("slow")[1]
    assert "Init Duration" not in second and "Duration: 700.00 ms" in second  # 100 init + 500 sleep + 100 work
    invokes = lam.env.events.select(kind="invoke")
    assert [(e.outcome, e.detail["duration_ms"]) for e in invokes] == [("FunctionError", 2100.0), ("OK", 700.0)]


def test_swallowing_the_timeout_does_not_escape_it(lam: Lambda) -> None:
    deploy(lam, "stubborn", """
        import time
        def lambda_handler(event, context):
            try:
                time.sleep(10)
            except:  # noqa: E722 - a bare except cannot stop Lambda ending the function
                pass
            return "finished anyway"
    """, Timeout=1)
    _, body = call(lam, "stubborn")
    assert body["errorType"] == "Sandbox.Timedout"


def test_declared_compute_time_can_time_a_function_out(lam: Lambda) -> None:
    deploy(lam, "heavy", "def lambda_handler(event, context):\n    return 'done'\n", Timeout=1)
    lam.kit_set_timing("heavy", duration_ms=1500)
    _, body = call(lam, "heavy")
    assert body["errorType"] == "Sandbox.Timedout"


def test_sys_exit_crashes_the_runtime_and_resets_the_environment(lam: Lambda) -> None:
    deploy(lam, "exits", """
        import sys
        STATE = []
        def lambda_handler(event, context):
            STATE.append(1)
            if event.get("exit"):
                sys.exit(3)
            return len(STATE)
    """)
    _, body = call(lam, "exits", {"exit": True})
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")
    assert "Status: error\tError Type: Runtime.ExitError" in lam.kit_logs("exits")[0]
    assert call(lam, "exits")[1] == 1


def test_init_past_ten_seconds_is_retried_inside_the_invocation(lam: Lambda) -> None:
    deploy(lam, "slowinit", "import time\ntime.sleep(11)\ndef lambda_handler(e, c):\n    return 'up'\n", Timeout=30)
    out, body = call(lam, "slowinit")
    assert body == "up"
    log = lam.kit_logs("slowinit")[0]
    # 10 s of Init (cut off), then Init again (100 ms + 11 s) and the handler (100 ms) inside Invoke
    assert "Duration: 11200.00 ms\tBilled Duration: 21200 ms" in log and "Init Duration: 10000.00 ms" in log


def test_a_callable_runs_through_the_same_runtime(lam: Lambda) -> None:
    def handler(event, context):
        print("from a callable", os.environ["GREETING"])
        return {"name": context.function_name, "memory": context.memory_limit_in_mb, "event": event}

    config = lam.kit_deploy_callable("first-lesson", handler, Role=ROLE, Environment={"Variables": {"GREETING": "hi"}})
    assert config["Handler"].endswith("handler") and config["Runtime"] == "python3.12"
    _, body = call(lam, "first-lesson", {"x": 1})
    assert body == {"name": "first-lesson", "memory": "128", "event": {"x": 1}}
    assert "from a callable hi" in lam.kit_logs("first-lesson")[0]
    assert "GREETING" not in os.environ


def test_the_portable_environment_swap_gives_the_same_result(lam: Lambda, monkeypatch) -> None:
    from secretkit.awslambda import activation

    monkeypatch.setattr(activation, "_FAST", False)  # the public os.environ mapping instead of CPython's layout
    before = dict(os.environ)
    deploy(lam, "portable", ENV_PROBE, Environment={"Variables": {"TABLE": "t"}})
    _, body = call(lam, "portable")
    assert body["env"]["TABLE"] == "t" and body["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "portable"
    assert dict(os.environ) == before


def test_sys_path_and_the_working_directory_come_back(lam: Lambda, tmp_path) -> None:
    path, cwd = sys.path[:], os.getcwd()
    deploy(lam, "wanderer", f"""
        import os, sys
        def lambda_handler(event, context):
            sys.path.insert(0, "/var/task/vendor")
            os.chdir({str(tmp_path)!r})
            return os.getcwd()
    """)
    assert call(lam, "wanderer")[1] == str(tmp_path)
    assert (sys.path, os.getcwd()) == (path, cwd)


def test_a_function_invoking_itself_runs_in_a_second_environment(lam: Lambda) -> None:
    def recursive(event, context):  # type: ignore[no-untyped-def]
        print("depth", event["depth"])
        if event["depth"] < 2:
            lam.invoke(FunctionName="recursive", Payload=json.dumps({"depth": event["depth"] + 1}))
        print("back at", event["depth"])
        return event["depth"]

    lam.kit_deploy_callable("recursive", recursive, Role=ROLE)
    assert call(lam, "recursive", {"depth": 0})[1] == 0
    outermost = lam.kit_logs("recursive")[-1]
    assert "depth 0\nback at 0\n" in outermost  # the inner invocations wrote to their own logs
    assert [e.detail["cold_start"] for e in lam.env.events.select(kind="invoke")] == [True, True, True]
    call(lam, "recursive", {"depth": 2})
    assert lam.env.events.select(kind="invoke")[-1].detail["cold_start"] is False


def test_a_package_cannot_replace_the_runtimes_own_libraries(lam: Lambda) -> None:
    blob = zip_of("import boto3, secretkit\ndef lambda_handler(e, c):\n    return [boto3.__name__, hasattr(secretkit, 'Cloud')]\n",
                  {"boto3.py": "raise RuntimeError('a bundled boto3 must not load')\n",
                   "secretkit/__init__.py": "raise RuntimeError('a bundled secretkit must not load')\n"})
    lam.create_function(FunctionName="bundles", Runtime="python3.12", Role=ROLE, Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": blob})
    assert call(lam, "bundles")[1] == ["boto3", True]


def test_entering_a_function_that_fails_half_way_undoes_what_it_did() -> None:
    from secretkit.awslambda import activation
    from secretkit.awslambda.environ import Credentials
    from secretkit.awslambda.loader import ModuleSpace
    from secretkit.awslambda.routing import Route

    before, stdout, path = dict(os.environ), sys.stdout, sys.path[:]
    # a value no process environment can hold: putenv refuses it half-way through entering
    box = activation.Sandbox(activation.environ_of({"FIRST": "ok", "BROKEN": "nul\x00inside"}), ModuleSpace(None))
    route = Route(None, "us-east-1", Credentials("a", "b"), "f")
    with pytest.raises(ValueError):
        with activation.Activation(box, route):
            raise AssertionError("the body must not run")
    assert (dict(os.environ), sys.stdout, sys.path) == (before, stdout, path)
    assert activation.current() is None


def test_an_environment_value_with_a_nul_character_is_refused(lam: Lambda) -> None:
    with pytest.raises(secretkit.ClientError) as info:
        deploy(lam, "nul", "def lambda_handler(e, c):\n    return 1\n", Environment={"Variables": {"BAD": "a\x00b"}})
    assert info.value.code == "InvalidParameterValueException" and lam.functions == {}


def test_another_threads_sleep_while_a_function_runs_is_real_and_not_the_functions(lam: Lambda) -> None:
    """time.sleep is swapped for the whole process while a function runs; a notebook kernel's
    own threads sleep too, and must neither wake at once nor spend the function's time."""
    import threading
    import time

    slept: list[float] = []
    done = threading.Event()

    def kernel_thread() -> None:
        started = time.perf_counter()
        time.sleep(0.05)  # looked up now: the swapped sleep, called from another thread
        slept.append(time.perf_counter() - started)
        done.set()

    def handler(event, context):  # type: ignore[no-untyped-def]
        threading.Thread(target=kernel_thread).start()
        done.wait(5)
        return context.get_remaining_time_in_millis()

    lam.kit_deploy_callable("waits", handler, Role=ROLE, Timeout=3)
    out = lam.invoke(FunctionName="waits")
    assert "FunctionError" not in out and slept and slept[0] >= 0.04  # it really slept
    (invoke,) = lam.env.events.select(kind="invoke")
    assert invoke.detail["duration_ms"] == 200.0  # 100 ms Init + 100 ms compute: none of the other thread's sleep
