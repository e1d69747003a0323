"""The package's shape: a curated public API, a small front, modules of one concern each,
and layers that import downward only, by one table, with no circles."""

from __future__ import annotations

import ast
import pathlib

import secretkit

PKG = pathlib.Path(secretkit.__file__).parent

#: Who may import whom, the one place it is written down: each part of secretkit (a
#: subpackage, or a module at the top) and the parts it may import at run time, lazily
#: inside a function included. Imports under ``if TYPE_CHECKING:`` are for type checkers
#: only and are not counted.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),  # the bottom: clock, events, ids, errors, crypto, checks, context, service
    "kms": {"core"},
    # Services encrypt through KMS; they reach another service only through a callable the
    # Cloud injects (replication's peer, rotation's functions, SSM's Secrets Manager).
    "secretsmanager": {"core", "kms"},
    "ssm": {"core", "kms"},
    "awslambda": {"core"},
    "iam": {"core"},  # principals, policies and their evaluation; IAM and STS (through iam/bridge.py)
    "eventbridge": {"core"},  # rules invoke targets through the Lambda callable the Cloud hands them
    # Stacks reach the services through the Cloud handed to cloudformation.wiring, by name;
    # the Secrets Manager transform deploys the pre-built rotation packages (wiring loads them).
    "cloudformation": {"core", "rotation_functions"},
    "databases": {"core"},
    # RDS runs its instances on the simulated servers; it reaches Secrets Manager (the master
    # user secrets it owns) only through the callable the Cloud injects.
    "rds": {"core", "databases"},
    "pricing": {"core"},  # the meter reads events, never a store
    # Lambda code packages: the kit's stand-in drivers reach the simulated servers through the
    # running function's network; the packages are zipped with the runtime's build_zip.
    "rotation_functions": {"core", "databases", "awslambda"},
    "apps": {"core", "secretsmanager"},  # the failover drill waits out REPLICATION_LAG
    "doors": {"core"},  # the Cloud only under TYPE_CHECKING
    # Saving and loading a Cloud, and its comparable snapshot: the Cloud only under TYPE_CHECKING.
    "saving": {"core"},
    # How the Cloud builds each service and what it hands it of the others (the Cloud only
    # under TYPE_CHECKING).
    "assembly": {"core", "kms", "secretsmanager", "ssm", "awslambda", "eventbridge", "iam", "cloudformation", "rds",
                 "databases"},
    "cloud": {"core", "kms", "secretsmanager", "ssm", "awslambda", "eventbridge", "iam", "cloudformation", "rds",
              "databases", "doors", "saving", "assembly"},
    "ui": {"core", "cloud", "apps", "secretsmanager", "pricing"},
    "labs": {"core", "cloud", "pricing", "databases", "rotation_functions", "awslambda"},
    # The grader runs the lab checks inside each graded kernel, by module name; no part of
    # the kit imports the grader.
    "grading": {"labs"},
    # The kit's notebook helpers (the short AWS error display): the model's error class only,
    # never ui, so loading them into every kernel imports no chart or widget library.
    "kit": {"core"},
    "__init__": {"core", "cloud"},
}
FRONT = {"__init__.py", "cloud.py"}  # all that may sit directly in secretkit/, besides subpackages
MAX_LINES = 450
UI_LIBS = {"plotly", "ipywidgets", "IPython", "anywidget"}


def test_public_api_is_exactly_all():
    public = {n for n in vars(secretkit) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(secretkit, n)).__name__ == "module"}
    assert set(secretkit.__all__) - {"__version__"} == public - modules


def _module_name(path: pathlib.Path) -> str:
    parts = ["secretkit", *path.relative_to(PKG).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _known_modules() -> dict[str, pathlib.Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _imports(path: pathlib.Path, known: dict[str, pathlib.Path]) -> list[tuple[str, bool]]:
    """(secretkit module imported, only under TYPE_CHECKING) for every import in ``path``.

    ``from package import name`` counts as importing the module ``package.name`` when there
    is one, else the package itself.
    """
    tree = ast.parse(path.read_text())
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: list[tuple[str, bool]] = []

    def add(module: str, type_only: bool) -> None:
        out.append((module, type_only))

    def visit(node: ast.AST, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            guarded = type_only or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, guarded)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (child.level - 1)]
                    base = ".".join(parts + ([child.module] if child.module else []))
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    add(sub if sub in known else base, guarded)
            visit(child, guarded)

    visit(tree, False)
    return out


def _part(module: str) -> str:
    """The part of secretkit a module belongs to: its subpackage, or itself at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_nothing_imports_the_grader():
    assert [part for part, allowed in MAY_IMPORT.items() if "grading" in allowed] == []


def test_the_table_names_every_part_and_only_real_ones():
    parts = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PKG.glob("*.py")}
    assert set(MAY_IMPORT) == parts


def test_layers_import_only_what_the_table_allows():
    known = _known_modules()
    problems = []
    for module, path in sorted(known.items()):
        me = _part(module)
        for target, type_only in _imports(path, known):
            root = target.split(".")[0]
            if root in UI_LIBS and me != "ui":
                problems.append(f"{module} imports {target}: only secretkit.ui may")
            if root != "secretkit" or type_only:
                continue
            other = _part(target)
            if other != me and other not in MAY_IMPORT[me]:
                problems.append(f"{module} imports {target}, but {me} may import only {sorted(MAY_IMPORT[me])}")
    assert problems == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}}) == [["a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_between_modules():
    known = _known_modules()
    graph = {
        module: {target for target, type_only in _imports(path, known) if not type_only and target in known} - {module}
        for module, path in known.items()
    }
    assert _cycles(graph) == []


def test_modules_stay_small():
    sizes = {p.relative_to(PKG).as_posix(): len(p.read_text().splitlines()) for p in PKG.rglob("*.py")}
    too_big = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert too_big == {}


def test_the_top_of_the_package_is_only_its_front():
    top = {p.name for p in PKG.glob("*.py")}
    assert top <= FRONT and len(top) <= 3
