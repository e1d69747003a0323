#!/usr/bin/env python3
"""secretkit's one entry point: set up the project's virtual environment and run things in it.

    python3 kit.py lab [jupyter lab args...]   set up, then open the course in JupyterLab
    python3 kit.py test [pytest args...]       set up, then run every test and notebook check
    python3 kit.py notebooks [paths...]        re-run notebooks and save their outputs
    python3 kit.py bench [benchmark names...]  run the benchmarks
    python3 kit.py browser [pytest args...]    run only the browser tests (JupyterLab and Voila in Chromium)
    python3 kit.py present [notebook] [voila args...]
                                               serve the course's dashboards with Voila (instructor mode)
    python3 kit.py grade SUBMISSIONS [--lab N] [--out DIR]
                                               grade submitted lab notebooks with the kit's checks
    python3 kit.py serve [--port 4566] [--seed N | --load FILE] [--host H]
                                               serve a fresh or saved Cloud to the AWS CLI and SDKs (Ctrl+C to stop)
    python3 kit.py clock [show | advance 30d]  read or move a served Cloud's clock ($AWS_ENDPOINT_URL)

Standard library only. Everything it installs goes into ``.venv`` next to this file; nothing
is registered globally. Set-up is idempotent: packages are installed again only when
``pyproject.toml`` or ``constraints.txt`` changed since the last install (a stamp file
inside ``.venv`` records a hash of both and which extras were installed; ``dev`` covers
``course``, which covers ``lab``).
"""

import sys

if sys.version_info < (3, 11):  # keep this check above anything newer Pythons alone can run
    sys.stderr.write(
        "secretkit needs Python 3.11 or newer; this is Python %d.%d.\n"
        "Run kit.py with a newer interpreter, e.g. python3.11 kit.py ...\n" % sys.version_info[:2]
    )
    raise SystemExit(1)

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import venv
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".secretkit-install-stamp.json"
INSTALL_LOG = VENV / "secretkit-install.log"
START_NOTEBOOK = "course/00_start_here.ipynb"
NOTEBOOK_DIRS = ("course", "labs")
PRESENT_DEFAULT = "course"  # what ``kit.py present`` serves when no notebook is named
# A higher extra includes every lower one: "course" is what every notebook needs (JupyterLab,
# Voila, widgets, charts, and the real-database packages lab 06 uses); "dev" adds the tests'.
EXTRAS_RANK = {"lab": 1, "course": 2, "dev": 3}
INNER_FLAG = "SECRETKIT_KIT_IN_VENV"  # set when kit.py re-runs itself with the venv's Python
CELL_TIMEOUT = 300
BROWSER_TESTS = "tests_browser"
ARTIFACTS = "test-artifacts/browser"

# JupyterLab settings defaults written into the venv (a user's own settings still win).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension:tracker": {
        "codeCellConfig": {"lineNumbers": True, "lineWrap": True},
        "recordTiming": False,
    },
}

# The course's own JupyterLab user settings and workspaces live in the project, not in the
# home directory. Font sizes are seeded there because JupyterLab applies theme "overrides"
# from user settings only (defaults in overrides.json are ignored for them). A file already
# there is never overwritten: it holds the student's own choices.
LAB_STATE_DIR = Path(".secretkit") / "lab"  # inside the folder JupyterLab serves
LAB_USER_SETTINGS_SEED = {
    "@jupyterlab/apputils-extension/themes.jupyterlab-settings": {
        "overrides": {
            "content-font-size1": "16px",
            "code-font-size": "15px",
            "ui-font-size1": "15px",
        }
    },
}

# Jupyter data (the Voila template) and config (voila.json) that the kit ships in the repo.
KIT_JUPYTER_PATH = ROOT / "share" / "jupyter"
KIT_JUPYTER_CONFIG_PATH = ROOT / "etc" / "jupyter"

STABLE_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# A notebook's language_info is saved exactly as the kernel reports it, Python version
# included: JupyterLab writes the kernel's report into the notebook when it opens one, and
# any difference (a missing "version") would mark a notebook modified before anything ran.
# These keys are the fallback for a kernel that reports none.
STABLE_LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


# --------------------------------------------------------------------------- output


def say(message: str) -> None:
    print(f"kit: {message}", flush=True)


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"kit: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


# --------------------------------------------------------------------------- the venv


def venv_bin() -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin")


def venv_python() -> Path:
    return venv_bin() / ("python.exe" if os.name == "nt" else "python")


def inside_venv() -> bool:
    try:
        return Path(sys.prefix).resolve() == VENV.resolve()
    except OSError:
        return False


def run_env(*, for_tests: bool) -> dict[str, str]:
    """The environment every command runs in: the venv first on PATH, as if activated."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(venv_bin()) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    env["PLOTLY_RENDERER"] = "plotly_mimetype"
    # Kernels and settings come from the venv before anything in the user's home directory.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    prepend_path(env, "JUPYTER_PATH", KIT_JUPYTER_PATH)
    prepend_path(env, "JUPYTER_CONFIG_PATH", KIT_JUPYTER_CONFIG_PATH)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if for_tests:
        env["TZ"] = "UTC"
        env["PYTHONHASHSEED"] = "0"
        # Keep a user's IPython profile (startup scripts, config) out of test kernels.
        env["IPYTHONDIR"] = str(VENV / "ipython")
    return env


def prepend_path(env: dict[str, str], name: str, folder: Path) -> None:
    """Put ``folder`` first in the path-list variable ``name``, once."""
    rest = [p for p in env.get(name, "").split(os.pathsep) if p and p != str(folder)]
    env[name] = os.pathsep.join([str(folder), *rest])


def lab_args(state: Path) -> list[str]:
    """The JupyterLab options every kit launch uses (``state`` holds settings and workspaces)."""
    settings = state / "user-settings"
    for name, values in LAB_USER_SETTINGS_SEED.items():
        target = settings.joinpath(*name.split("/"))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2) + "\n")
    return [f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={state / 'workspaces'}"]


def terminal_args() -> list[str]:
    """JupyterLab's terminals run the user's shell as an interactive, non-login shell, so they
    keep the PATH kit.py sets (``.venv``'s programs first: ``aws``, ``python``). Left alone,
    Jupyter starts a login shell whenever it has no terminal of its own (started from a
    launcher or a script), and a login shell's /etc/profile resets PATH on many systems."""
    if os.name == "nt":
        return []
    import shlex

    shell = os.environ.get("SHELL") or shutil.which("sh") or "sh"
    return [f"--ServerApp.terminado_settings=shell_command={shlex.quote(shell)} -i"]


def root_flag(args: list[str]) -> list[str]:
    """``--allow-root`` when running as root (a container?) and the user did not pass it."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        return ["--allow-root"]
    return []


def lab_command(args: list[str], root: Path = ROOT) -> list[str]:
    """The command line ``python3 kit.py lab ARGS`` runs (the browser tests start JupyterLab
    with it too, pointed at a scratch copy of the project as ``root``).

    JupyterLab serves ``root`` itself, so the course and the labs are both reachable, and
    opens the start page. (Naming the notebook as a positional argument instead would make
    its folder the server's root, hiding ``labs/``.)
    """
    argv = [str(venv_python()), "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
            *lab_args(root / LAB_STATE_DIR), *terminal_args()]
    if (root / START_NOTEBOOK).is_file():
        argv.append(f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}")
    return [*argv, *root_flag(args), *args]


def present_command(target: str, args: list[str], root: Path = ROOT) -> list[str]:
    """The command line ``python3 kit.py present [TARGET] ARGS`` runs: Voila on ``target``
    (a notebook or folder, relative to ``root``) with the kit's template (etc/jupyter)."""
    return [str(venv_python()), "-m", "voila", str(root / target), *args]


def venv_python_version() -> tuple[int, int] | None:
    """The venv interpreter's (major, minor), or None when it is missing or no longer runs."""
    py = venv_python()
    if not py.exists():
        return None
    try:
        out = subprocess.run(
            [str(py), "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.split()
        return int(out[0]), int(out[1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def create_venv() -> None:
    say(f"creating .venv (Python {sys.version_info.major}.{sys.version_info.minor})")
    try:
        venv.EnvBuilder(with_pip=True, clear=False).create(str(VENV))
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(VENV, ignore_errors=True)
        fail(
            f"could not create .venv ({exc}).\n"
            "On Debian or Ubuntu the venv module is a separate package: install python3-venv "
            "(or python3.X-venv for your version) and run this again."
        )


def ensure_venv() -> None:
    if not VENV.exists():
        create_venv()
        return
    version = venv_python_version()
    if version is None:
        if not (VENV / "pyvenv.cfg").exists():
            fail(".venv exists but is not a virtual environment; move it away and run this again")
        say(".venv's Python no longer runs (was it upgraded or removed?); recreating .venv")
        shutil.rmtree(VENV)
        create_venv()
    elif version < (3, 11):
        fail(f".venv uses Python {version[0]}.{version[1]}; secretkit needs 3.11+. Delete .venv and run this again")


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update(name.encode() + b"\0")
        digest.update((ROOT / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def read_stamp() -> dict:
    try:
        stamp = json.loads(STAMP.read_text())
        return stamp if isinstance(stamp, dict) else {}
    except (OSError, ValueError):
        return {}


def install(extras: str) -> None:
    """Install ``-e .[extras]`` under the pinned constraints unless the stamp says it is current."""
    for name in ("pyproject.toml", "constraints.txt"):
        if not (ROOT / name).is_file():
            fail(f"{name} is missing; run kit.py from a complete checkout")
    wanted_hash = inputs_hash()
    stamp = read_stamp()
    have = stamp.get("extras")
    have_rank = EXTRAS_RANK.get(have, 0)
    # The checkout's location counts too: a moved checkout needs its editable install redone.
    current = stamp.get("hash") == wanted_hash and stamp.get("root") == str(ROOT)
    if current and have_rank >= EXTRAS_RANK[extras]:
        say(f"secretkit[{have}] up to date")
        return
    # Never install less than before: an older, fuller install would otherwise go stale.
    if have_rank > EXTRAS_RANK[extras]:
        extras = have
    first = "first run takes a few minutes" if not stamp else "this can take a minute"
    say(f"installing secretkit[{extras}] ({first})")
    STAMP.unlink(missing_ok=True)
    py = str(venv_python())
    env = run_env(for_tests=False)
    if subprocess.run([py, "-m", "pip", "--version"], capture_output=True, env=env).returncode != 0:
        subprocess.run([py, "-m", "ensurepip", "--default-pip"], capture_output=True, env=env, check=False)
    started = time.monotonic()
    with open(INSTALL_LOG, "w") as log:
        result = subprocess.run(
            [py, "-m", "pip", "install", "--progress-bar", "off",
             "-e", f".[{extras}]", "-c", "constraints.txt"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        lines = INSTALL_LOG.read_text(errors="replace").splitlines()
        sys.stderr.write("\n".join(lines[-40:]) + "\n")
        fail(f"installing secretkit[{extras}] failed (full log: .venv/{INSTALL_LOG.name}); "
             "fix the problem above and run this again")
    STAMP.write_text(json.dumps({
        "hash": wanted_hash,
        "extras": extras,
        "root": str(ROOT),
        "python": "%d.%d.%d" % sys.version_info[:3],
    }, indent=1) + "\n")
    say(f"installed secretkit[{extras}] in {time.monotonic() - started:.0f} s")


def write_lab_settings(prefix: Path = VENV) -> None:
    """Write LAB_OVERRIDES to the environment's JupyterLab settings dir, keeping only settings that exist."""
    lab_dir = prefix / "share" / "jupyter" / "lab"
    schemas = lab_dir / "schemas"
    overrides: dict = {}
    for plugin, settings in LAB_OVERRIDES.items():
        package, _, name = plugin.partition(":")
        schema_file = schemas.joinpath(*package.split("/")) / f"{name}.json"
        try:
            known = json.loads(schema_file.read_text()).get("properties", {})
        except (OSError, ValueError):
            say(f"note: JupyterLab has no settings schema {plugin}; skipping its overrides")
            continue
        kept = {key: value for key, value in settings.items() if key in known}
        for key in sorted(set(settings) - set(kept)):
            say(f"note: JupyterLab has no setting {plugin} {key}; skipping it")
        if kept:
            overrides[plugin] = kept
    text = json.dumps(overrides, indent=2, sort_keys=True) + "\n"
    if write_if_changed(lab_dir / "settings" / "overrides.json", text):
        say("wrote JupyterLab defaults: line numbers, line wrapping, no news or update checks")


# IPython reads kernel configuration from ``<sys.prefix>/etc/ipython`` too, so every kernel
# the venv's Python runs (JupyterLab's, Voila's, ``kit.py notebooks``' and nbval's) loads the
# kit's short display of AWS errors, and a cell that fails on purpose looks the same live as
# in the saved notebook. A user's own IPython profile still wins where it sets the same option.
KERNEL_CONFIG = {"InteractiveShellApp": {"extensions": ["secretkit.kit.errors"]}}


def write_if_changed(target: Path, text: str) -> bool:
    try:
        if target.read_text() == text:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return True


def write_kernel_config(prefix: Path = VENV) -> None:
    target = prefix / "etc" / "ipython" / "ipython_kernel_config.json"
    if write_if_changed(target, json.dumps(KERNEL_CONFIG, indent=2, sort_keys=True) + "\n"):
        say("wrote the kernels' config: AWS errors shown with the notebook's own frames only")


def setup(extras: str) -> None:
    ensure_venv()
    install(extras)
    write_lab_settings()
    write_kernel_config()


def run_in_venv(argv: list[str], *, for_tests: bool, exec_: bool = False) -> int:
    env = run_env(for_tests=for_tests)
    os.chdir(ROOT)
    sys.stdout.flush()
    sys.stderr.flush()
    if exec_ and os.name != "nt":
        os.execve(argv[0], argv, env)
    try:
        return subprocess.run(argv, env=env, cwd=ROOT).returncode
    except KeyboardInterrupt:
        return 130


# --------------------------------------------------------------------------- notebooks


def find_notebooks(paths: list[Path]) -> list[Path]:
    found: set[Path] = set()
    for path in paths:
        if path.is_file() and path.suffix == ".ipynb":
            found.add(path.resolve())
        elif path.is_dir():
            found.update(p.resolve() for p in path.rglob("*.ipynb")
                         if ".ipynb_checkpoints" not in p.parts)
    return sorted(found)


def dirs_with_notebooks() -> list[str]:
    return [d for d in NOTEBOOK_DIRS if find_notebooks([ROOT / d])]


def rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def kernel_config():
    """Encrypt kernel traffic where the kernel supports it (and skip ipykernel's warning)."""
    from jupyter_client import KernelManager
    from traitlets.config import Config

    config = Config()
    if KernelManager.class_traits().get("transport_encryption") is not None:
        config.KernelManager.transport_encryption = "auto"
    return config


LIBRARY_FRAME = re.compile(r"^(?:\x1b\[[0-9;]*m)*File (?:\x1b\[[0-9;]*m)*\S*[/\\]")


def trim_tracebacks(nb) -> None:
    """Keep only the notebook's own frames in saved error tracebacks. Library frames name
    where this machine installed things (a path that differs per checkout), and nbval
    compares only an expected error's name and message, never its traceback."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [t for t in output.get("traceback", []) if not LIBRARY_FRAME.match(t)]


def merge_streams(nb) -> None:
    """Join consecutive outputs of the same stream into one, as JupyterLab's output area
    does on screen. How a kernel splits printed text into messages depends on timing
    (one ``print`` can arrive as "True" and "\\n" on a busy machine); the text does not."""
    for cell in nb.cells:
        merged: list = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
                last["text"] = "".join(last["text"]) + "".join(output["text"])
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged


def stabilise_widget_ids(nb, salt: str) -> None:
    """Replace widget model ids (random per run) in saved outputs with ones derived from the
    notebook, so re-running an unchanged notebook rewrites nothing. With the widget state
    stripped the ids resolve to no model either way."""
    renamed: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if isinstance(view, dict) and isinstance(view.get("model_id"), str):
                old = view["model_id"]
                if old not in renamed:
                    seed = f"{salt}:{len(renamed)}".encode()
                    renamed[old] = hashlib.sha256(seed).hexdigest()[:32]
                view["model_id"] = renamed[old]


def execute_notebook(path: Path) -> str:
    """Run one notebook in a fresh kernel and save it; returns 'updated' or 'unchanged'."""
    import nbformat
    from nbclient import NotebookClient

    original = path.read_text(encoding="utf-8")
    nb = nbformat.reads(original, as_version=4)
    for cell in nb.cells:  # nothing from an earlier run may survive a skipped cell
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(
        nb,
        config=kernel_config(),
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,
        allow_errors=False,  # cells tagged raises-exception may still error
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    stabilise_widget_ids(nb, rel(path))
    merge_streams(nb)
    trim_tracebacks(nb)
    nb.metadata["kernelspec"] = dict(STABLE_KERNELSPEC)
    nb.metadata["language_info"] = dict(nb.metadata.get("language_info") or STABLE_LANGUAGE_INFO)
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    if text == original:
        return "unchanged"
    path.write_text(text, encoding="utf-8")
    return "updated"


def notebooks_inside(args: list[str]) -> int:
    """``kit.py notebooks`` proper; runs with the venv's Python."""
    os.chdir(ROOT)
    os.environ.update(run_env(for_tests=True))
    lab_builder = ROOT / "labs" / "build.py"
    if lab_builder.exists() and (not args or any(Path(a).resolve().is_relative_to(ROOT / "labs") for a in args)):
        # lab notebooks are generated from labs_src/ (see labs/README.md): bring their cells up to date first
        subprocess.run([sys.executable, str(lab_builder)], check=True)
    if args:
        missing = [a for a in args if not Path(a).exists()]
        if missing:
            fail(f"no such file or directory: {', '.join(missing)}")
        notebooks = find_notebooks([Path(a) for a in args])
    else:
        notebooks = find_notebooks([ROOT / d for d in NOTEBOOK_DIRS])
    if not notebooks:
        say("no notebooks to run")
        return 0
    say(f"running {len(notebooks)} notebook(s), each in a fresh kernel")
    failed: list[str] = []
    for path in notebooks:
        started = time.monotonic()
        try:
            outcome = execute_notebook(path)
        except Exception as exc:  # report every notebook, not just the first to fail
            detail = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
            first_line = (detail.splitlines() or [type(exc).__name__])[-1]
            say(f"FAILED {rel(path)}: {type(exc).__name__}: {first_line}")
            if detail and detail != first_line:
                print(detail, file=sys.stderr)
            failed.append(rel(path))
            continue
        say(f"{outcome} {rel(path)} ({time.monotonic() - started:.1f} s)")
    if failed:
        fail(f"{len(failed)} notebook(s) failed and were left as they were: {', '.join(failed)}")
    return 0


# --------------------------------------------------------------------------- commands


def cmd_lab(args: list[str]) -> int:
    setup("course")
    if (ROOT / START_NOTEBOOK).is_file():
        say(f"starting JupyterLab on the project, opening {START_NOTEBOOK} (Ctrl+C to stop)")
    else:
        say(f"starting JupyterLab ({START_NOTEBOOK} is not written yet; Ctrl+C to stop)")
    if root_flag(args):
        say("running as root (a container?), so passing --allow-root to JupyterLab")
    return run_in_venv(lab_command(args), for_tests=False, exec_=True)


def as_root_relative(arg: str) -> str | None:
    """``arg`` as a path (with any ``::test`` suffix) relative to the repo, if it names one."""
    head, sep, tail = arg.partition("::")
    if arg.startswith("-") or not head or not Path(head).exists():
        return None
    path = Path(head).resolve()
    try:
        head = path.relative_to(ROOT).as_posix() or "."
    except ValueError:
        head = str(path)
    return head + sep + tail


def split_pytest_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Separate test paths the user named (``tests/test_x.py::test_y``) from other pytest args."""
    paths, rest = [], []
    for arg in args:
        named = as_root_relative(arg)
        if named is None:
            rest.append(arg)
        else:
            paths.append(named)
    return paths, rest


def cmd_test(args: list[str]) -> int:
    setup("dev")
    paths, rest = split_pytest_args(args)
    if not paths:
        paths = ["tests", *dirs_with_notebooks(), BROWSER_TESTS]
    argv = [
        str(venv_python()), "-m", "pytest", "-p", "nbval", *paths,
        "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval-sanitize.cfg",
        f"--nbval-cell-timeout={CELL_TIMEOUT}",
        *rest,
    ]
    say(f"running pytest on {' '.join(paths)}")
    code = run_in_venv(argv, for_tests=True)
    if code == 5:
        say("pytest collected no tests; counting that as a failure")
        return 1
    return code


def cmd_notebooks(args: list[str]) -> int:
    if os.environ.get(INNER_FLAG) == "1" and inside_venv():
        return notebooks_inside(args)
    args = [as_root_relative(a) or a for a in args]  # paths stay right after the chdir below
    setup("dev")
    argv = [str(venv_python()), str(ROOT / "kit.py"), "notebooks", *args]
    os.environ[INNER_FLAG] = "1"
    return run_in_venv(argv, for_tests=True, exec_=True)


def cmd_bench(args: list[str]) -> int:
    script = ROOT / "benchmarks" / "run.py"
    if not script.is_file():
        fail("benchmarks/run.py is not written yet")
    setup("dev")
    return run_in_venv([str(venv_python()), str(script), *args], for_tests=True)


def cmd_browser(args: list[str]) -> int:
    if not (ROOT / BROWSER_TESTS).is_dir():
        fail(f"{BROWSER_TESTS}/ is missing; run kit.py from a complete checkout")
    setup("dev")
    say(f"running the browser tests; screenshots go to {ARTIFACTS}/")
    code = run_in_venv([str(venv_python()), "-m", "pytest", BROWSER_TESTS, *args], for_tests=True)
    if code == 5:
        say("pytest collected no tests; counting that as a failure")
        return 1
    return code


def cmd_present(args: list[str]) -> int:
    """Serve course notebooks with Voila: outputs and dashboards, no code (the kit's template)."""
    target = PRESENT_DEFAULT
    if args and not args[0].startswith("-"):
        target = as_root_relative(args[0]) or fail(f"no such notebook or folder: {args[0]}", code=2)
        args = args[1:]
    setup("course")
    say(f"serving {target} with Voila (Ctrl+C to stop)")
    return run_in_venv(present_command(target, args), for_tests=False, exec_=True)


COMMANDS = {
    "lab": cmd_lab,
    "test": cmd_test,
    "notebooks": cmd_notebooks,
    "bench": cmd_bench,
    "browser": cmd_browser,
    "present": cmd_present,
}


# --------------------------------------------------------------------------- the Cloud on an endpoint
# ``serve`` runs a fresh or saved Cloud's HTTP endpoint (cloud.serve()) in the venv until Ctrl+C, for the
# AWS CLI and any SDK; ``clock`` reads or moves that Cloud's simulated clock over HTTP and needs
# only this file.

SERVE_PORT = 4566  # the port local AWS emulators conventionally use, so existing setups find it
CLOCK_PATH = "/_secretkit/clock"
CLOCK_STEP = re.compile(r"(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")


def serve_parser():
    import argparse

    parser = argparse.ArgumentParser(prog="kit.py serve", description="Serve a fresh or saved Cloud to the AWS CLI and SDKs.")
    parser.add_argument("--port", type=int, default=SERVE_PORT, help=f"port to listen on (default {SERVE_PORT}; 0 picks one)")
    parser.add_argument("--seed", type=int, default=None, help="a fresh Cloud's seed (default 0)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    parser.add_argument("--load", metavar="FILE", help="serve the Cloud saved in FILE (cloud.save(FILE)) instead of a fresh one")
    return parser


def serve_inside(args: list[str]) -> int:
    """``kit.py serve`` proper; runs with the venv's Python."""
    import signal
    import threading
    import warnings

    from secretkit import Cloud

    options = serve_parser().parse_args(args)
    if options.load is not None:
        from secretkit.saving import SaveFileError

        try:
            cloud = Cloud.load(options.load)
        except (OSError, SaveFileError) as exc:
            fail(f"cannot load {options.load}: {getattr(exc, 'strerror', None) or exc}", code=2)
        what = f"the Cloud saved in {options.load} (seed {cloud.seed}, its clock at {cloud.clock.now.isoformat()})"
    else:
        cloud = Cloud(seed=options.seed or 0)
        what = f"a fresh Cloud (seed {cloud.seed}, its clock at {cloud.clock.now.isoformat()})"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            serving = cloud.serve(port=options.port, host=options.host, quiet=True)
        except OSError as exc:
            fail(f"cannot listen on {options.host}:{options.port} ({exc.strerror or exc}); "
                 "is another kit.py serve running? Choose another port with --port")
    try:  # from here on, Ctrl+C at any moment stops the endpoint's threads before exiting
        for warning in caught:
            print(f"kit: warning: {warning.message}", file=sys.stderr, flush=True)
        say(f"serving {what} at {serving.endpoint_url}; Ctrl+C to stop")
        say("paste these two lines into another terminal, then use aws as against AWS:")
        print(serving.exports(), flush=True)
        say("move the Cloud's clock with: python3 kit.py clock advance 30d")
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # a plain kill stops it as Ctrl+C does
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        serving.stop()
    say("stopped" + (f" (what changed since loading is not saved in {options.load})" if options.load is not None else ""))
    return 0


def cmd_serve(args: list[str]) -> int:
    if os.environ.get(INNER_FLAG) == "1" and inside_venv():
        return serve_inside(args)
    options = serve_parser().parse_args(args)  # errors before anything is installed
    if options.load is not None:  # what can be said before anything is installed
        if options.seed is not None:
            fail("--seed makes a fresh Cloud; a saved Cloud (--load) has the seed it was made with", code=2)
        if not os.path.isfile(options.load):
            fail(f"cannot load {options.load}: there is no such file", code=2)
    setup("lab")  # the AWS CLI comes with the lab extra
    os.environ[INNER_FLAG] = "1"
    return run_in_venv([str(venv_python()), str(ROOT / "kit.py"), "serve", *args], for_tests=False, exec_=True)


def clock_step(text: str) -> dict[str, float]:
    """``30d``, ``2h30m``, ``90s``, ``1.5h``: the ``advance`` object the endpoint takes."""
    match = CLOCK_STEP.fullmatch(text.strip().lower())
    if not text.strip() or match is None:
        fail(f"cannot read the step {text!r}: write it as days, hours, minutes, seconds, e.g. 30d, 2h30m, 90s", code=2)
    units = ("days", "hours", "minutes", "seconds")
    return {unit: float(value) for unit, value in zip(units, match.groups()) if value is not None}


def cmd_clock(args: list[str]) -> int:
    """Read (``show``) or advance the simulated clock of a running ``kit.py serve`` or ``cloud.serve()``."""
    import argparse
    import urllib.error
    import urllib.request

    parser = argparse.ArgumentParser(prog="kit.py clock", description="Read or move a served Cloud's simulated clock.")
    parser.add_argument("action", nargs="?", choices=("show", "advance"), default="show")
    parser.add_argument("step", nargs="?", help="with advance: how far, e.g. 30d, 2h30m, 90s")
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"),
                        help="the endpoint (default: $AWS_ENDPOINT_URL)")
    options = parser.parse_args(args)
    if not options.endpoint_url:
        fail("which endpoint? Set AWS_ENDPOINT_URL (kit.py serve prints it) or pass --endpoint-url", code=2)
    if options.action == "advance" and options.step is None:
        fail("advance by how much? e.g. python3 kit.py clock advance 30d", code=2)
    if options.action == "show" and options.step is not None:
        fail("show takes no step; to move the clock: python3 kit.py clock advance " + options.step, code=2)
    url = options.endpoint_url.rstrip("/") + CLOCK_PATH
    if options.action == "advance":
        body = json.dumps({"advance": clock_step(options.step)}).encode()
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    else:
        request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            document = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read()).get("error", exc.reason)
        except ValueError:
            reason = exc.reason
        fail(f"the endpoint refused: {reason} (HTTP {exc.code})")
    except (urllib.error.URLError, OSError) as exc:
        fail(f"nothing answers at {options.endpoint_url} ({getattr(exc, 'reason', exc)}); is kit.py serve running?")
    print(document["now"])
    return 0


COMMANDS["serve"] = cmd_serve
COMMANDS["clock"] = cmd_clock


# --------------------------------------------------------------------------- teaching a class
# Grading submitted labs and running the course on a JupyterHub or Binder. Kept in one block:
# ``grade`` runs secretkit.grading in the venv; ``image-setup`` is what binder/postBuild runs
# inside a repo2docker image, where the image's own Python (not .venv) holds secretkit.


def cmd_grade(args: list[str]) -> int:
    """Grade submitted lab notebooks (see secretkit/grading/__init__.py); paths are the caller's.
    The course extra: lab 6's checks need the real-database packages."""
    setup("course")
    argv = [str(venv_python()), "-m", "secretkit.grading", "--labs", str(ROOT / "labs"), *args]
    sys.stdout.flush()
    try:
        return subprocess.run(argv, env=run_env(for_tests=False), cwd=Path.cwd()).returncode
    except KeyboardInterrupt:
        return 130


def cmd_image_setup(args: list[str]) -> int:
    """Install the kit's Jupyter files into the running Python's prefix (a Binder image's env):
    what ``kit.py`` otherwise puts in ``.venv`` or points JUPYTER_PATH and JUPYTER_CONFIG_PATH at."""
    if args:
        fail("image-setup takes no arguments", code=2)
    prefix = Path(sys.prefix)
    write_lab_settings(prefix)
    write_kernel_config(prefix)
    # The Voila template and page extension (share/jupyter), voila.json and the server config
    # that switches notebook_shim off (etc/jupyter).
    shutil.copytree(KIT_JUPYTER_PATH, prefix / "share" / "jupyter", dirs_exist_ok=True)
    shutil.copytree(KIT_JUPYTER_CONFIG_PATH, prefix / "etc" / "jupyter", dirs_exist_ok=True)
    say(f"installed the kit's JupyterLab defaults, kernel config, Voila template and server config into {prefix}")
    return 0


COMMANDS["grade"] = cmd_grade
COMMANDS["image-setup"] = cmd_image_setup


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__.strip().split("\n\n")[1])
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    if command not in COMMANDS:
        fail(f"unknown command {command!r}; choose one of: {', '.join(COMMANDS)}", code=2)
    return COMMANDS[command](args)


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        raise SystemExit(130)
