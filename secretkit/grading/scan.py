"""A look at the answers' code before it runs: odd imports and tools for tampering.

This is a tripwire, not a proof. It reads each answer cell's syntax tree and notes

* **imports the lab does not need**: any module that neither the lab's own cells import nor
  :data:`PLAIN_MODULES` lists (a student reaching for ``requests``, ``os`` or ``socket``
  in a lab about boto3 is worth a look), and any import of the lab's checks;
* **assignments to an imported module's attributes** (``secretkit.labs.Checks.check = ...``):
  monkeypatching has no place in an answer;
* **tools that reach into the interpreter** rather than solve the exercise: ``exec``,
  ``eval``, ``__import__``, ``setattr`` on modules, ``sys.modules``, frame and code-object
  attributes, ``globals()``, ``get_ipython()`` and the like.

What it notes goes into the feedback and the ``notes`` column for the instructor to read;
it never changes a verdict by itself. Code can hide from any such scan (strings built at
run time, ``getattr`` with a computed name), which is why the verdicts do not rely on it:
see the threat model in :mod:`secretkit.grading`.
"""

from __future__ import annotations

import ast

from .assemble import Note
from .reference import python_of

__all__ = ["PLAIN_MODULES", "scan_answer"]

# Standard-library modules an answer may reasonably use in any lab.
PLAIN_MODULES = frozenset({
    "json", "re", "math", "datetime", "decimal", "fractions", "statistics", "collections",
    "itertools", "functools", "operator", "typing", "dataclasses", "enum", "string",
    "textwrap", "copy", "time", "base64", "hashlib", "hmac", "secrets", "uuid", "random",
    "botocore", "botocore.exceptions", "boto3",
})

_REACHING_CALLS = {
    "exec": "exec()", "eval": "eval()", "compile": "compile()", "__import__": "__import__()",
    "globals": "globals()", "vars": "vars()", "setattr": "setattr()", "delattr": "delattr()",
    "get_ipython": "get_ipython()", "breakpoint": "breakpoint()",
}
_REACHING_ATTRS = {
    "modules": "sys.modules", "_getframe": "sys._getframe", "settrace": "sys.settrace",
    "setprofile": "sys.setprofile", "addaudithook": "sys.addaudithook", "f_back": "frame.f_back",
    "f_locals": "frame.f_locals", "f_globals": "frame.f_globals", "__code__": "__code__",
    "__globals__": "__globals__", "__builtins__": "__builtins__", "__subclasses__": "__subclasses__",
    "__dict__": "__dict__", "pycache_prefix": "sys.pycache_prefix",
}


def _top(module: str) -> str:
    return module.split(".")[0]


def scan_answer(source: str, allowed: frozenset[str], lab_module: str, question: str) -> list[Note]:
    """Notes about one answer cell's code (``allowed``: the modules the lab itself imports)."""
    try:
        tree = ast.parse(python_of(source))
    except SyntaxError as error:
        return [Note("syntax-error", f"its answer cell has a syntax error (line {error.lineno})", question)]
    fine = {_top(m) for m in allowed | PLAIN_MODULES if not m.startswith("secretkit")}
    fine_kit = {m for m in allowed if m.startswith("secretkit")} - {lab_module}
    odd: set[str] = set()
    reaching: set[str] = set()
    patched: set[str] = set()
    checks = False
    aliases = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            root = target
            while isinstance(root, ast.Attribute):
                root = root.value
            if target is not root and isinstance(root, ast.Name) and root.id in aliases:
                patched.add(ast.unparse(target))
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or "."] if not node.level else ["." * node.level]
        for module in modules:
            if module == lab_module or module.startswith("secretkit.labs") or module == "secretkit.grading":
                checks = True
            elif module.startswith("secretkit"):
                if module not in fine_kit and module != "secretkit":
                    odd.add(module)
            elif _top(module) not in fine:
                odd.add(module)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REACHING_CALLS:
            reaching.add(_REACHING_CALLS[node.func.id])
        if isinstance(node, ast.Attribute) and node.attr in _REACHING_ATTRS:
            reaching.add(_REACHING_ATTRS[node.attr])
        if isinstance(node, ast.Name) and node.id in {"__builtins__", "__loader__", "__spec__"}:
            reaching.add(node.id)
    notes = []
    if checks:
        notes.append(Note("imports-checks", "its answer imports the lab's checks (the grader runs its own)",
                          question))
    if odd:
        notes.append(Note("odd-import", f"its answer imports {', '.join(sorted(odd))}, "
                                        "which this lab does not need", question))
    if patched:
        notes.append(Note("patches-module", f"its answer assigns {', '.join(sorted(patched))}: "
                                            "monkeypatching a module changes no verdict", question))
    if reaching:
        notes.append(Note("reaches-in", f"its answer uses {', '.join(sorted(reaching))}: "
                                        "an instructor will read this answer by hand", question))
    return notes
