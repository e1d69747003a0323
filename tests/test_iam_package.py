"""The access-control package's shape: a curated API, small modules, one door to the core."""

from __future__ import annotations

import ast
import importlib
import pathlib

import secretkit.iam as iam

PKG = pathlib.Path(iam.__file__).parent
MODULES = sorted(p.stem for p in PKG.glob("*.py") if p.stem != "__init__")


def test_package_api_is_exactly_all() -> None:
    public = {n for n in vars(iam) if not n.startswith("_") and type(getattr(iam, n)).__name__ != "module"}
    assert set(iam.__all__) == public


def test_every_module_declares_what_it_exports() -> None:
    for name in MODULES:
        module = importlib.import_module(f"secretkit.iam.{name}")
        assert hasattr(module, "__all__"), name
        assert all(hasattr(module, n) for n in module.__all__), name


def test_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text().splitlines()) for p in PKG.glob("*.py")}
    assert {n: s for n, s in sizes.items() if s > 450} == {}


def test_only_the_bridge_imports_the_core() -> None:
    offenders = []
    for path in PKG.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 2 and path.stem != "bridge":
                offenders.append((path.name, node.module))
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("secretkit"):
                offenders.append((path.name, node.module))
    assert offenders == []
