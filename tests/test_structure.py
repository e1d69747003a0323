"""The package's shape: a curated public API, and layers that import downward only."""

from __future__ import annotations

import ast
import pathlib

import secretkit

PKG = pathlib.Path(secretkit.__file__).parent
# The bottom layer: the core imports no other secretkit package.
BASE = {"core"}
# Only these may know every service, the notebook UI, or the real database launcher.
TOP = {"cloud", "client", "ui", "labs", "realdb", "__init__"}
UI_LIBS = {"plotly", "ipywidgets", "IPython", "anywidget"}


def test_public_api_is_exactly_all():
    public = {n for n in vars(secretkit) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(secretkit, n)).__name__ == "module"}
    assert set(secretkit.__all__) - {"__version__"} == public - modules


def _imports(path: pathlib.Path) -> list[tuple[str, bool]]:
    """(module imported, inside a TYPE_CHECKING block or a function body)."""
    tree = ast.parse(path.read_text())
    out: list[tuple[str, bool]] = []

    def visit(node: ast.AST, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            g = guarded
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                g = True
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                g = True
            if isinstance(child, ast.Import):
                out.extend((a.name, g) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    rel = path.relative_to(PKG).parent.parts
                    prefix = ["secretkit", *rel[: len(rel) - (child.level - 1)]]
                    base = ".".join(prefix + ([child.module] if child.module else []))
                    if not child.module:
                        out.extend((f"{base}.{a.name}", g) for a in child.names)
                        continue
                out.append((base, g))
            visit(child, g)

    visit(tree, False)
    return out


def _top_name(path: pathlib.Path) -> str:
    return path.relative_to(PKG).parts[0].removesuffix(".py")


def test_layers_import_downward_only():
    problems = []
    for path in PKG.rglob("*.py"):
        me = _top_name(path)
        for module, guarded in _imports(path):
            root = module.split(".")[0]
            if root in UI_LIBS and me not in {"ui"}:
                problems.append(f"{path.name} imports {module}: only secretkit.ui may")
            if not module.startswith("secretkit"):
                continue
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target == me:
                continue
            if me in BASE:
                problems.append(f"{path.name} (base layer) imports secretkit.{target}")
            if target in TOP and me not in TOP and not guarded:
                problems.append(f"{path.name} imports secretkit.{target}, which sits above it")
    assert problems == []


def test_core_modules_stay_small():
    sizes = {p.relative_to(PKG).as_posix(): len(p.read_text().splitlines()) for p in PKG.rglob("*.py")}
    too_big = {name: n for name, n in sizes.items() if n > 650}
    assert too_big == {}
