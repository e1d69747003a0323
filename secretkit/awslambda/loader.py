"""Importing a function's modules, each function in a namespace of its own.

Lambda runs every function in its own process, so two functions that each ship a
``lambda_function.py`` never meet. Here every function shares the notebook's interpreter,
so its modules live in a :class:`ModuleSpace`: while the function runs, its modules are in
``sys.modules`` (an import inside the handler finds them, as it would on AWS) and a finder
at the front of ``sys.meta_path`` serves the rest of its package from memory; when it
returns they are taken out again and whatever the notebook had under those names is put
back. So a student's own ``lambda_function.py``, imported in the notebook to try it out,
and the zipped copy deployed from it stay two different modules.

Modules the package does not contain (a database driver, the standard library) are
imported the ordinary way and shared, as a Lambda layer or the runtime's own libraries
would be. The handler's module itself must come from the package: if the zip lacks it,
the function fails with ``Runtime.ImportModuleError`` even when a module of that name is
importable in the notebook.

Tracebacks name files as Lambda does (``/var/task/lambda_function.py``) and show their
source lines: the finder is the modules' loader and hands the source to ``linecache``.

:func:`load_handler` follows the Python runtime's ``_get_handler``: the handler string is
split on its last dot, slashes in the module part become dots, and each failure has
Lambda's ``errorType`` (``Runtime.MalformedHandlerName``, ``Runtime.BuiltInModuleConflict``,
``Runtime.ImportModuleError``, ``Runtime.UserCodeSyntaxError``, ``Runtime.HandlerNotFound``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import linecache
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .code import TASK_ROOT, ZipCode

__all__ = ["InitError", "ModuleSpace", "PackageFinder", "load_handler"]


class InitError(Exception):
    """The function's Init phase failed with Lambda's ``errorType`` and message."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


class PackageFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the modules of one code package, from memory."""

    def __init__(self, code: ZipCode) -> None:
        self.code = code
        self.served: set[str] = set()

    # -- finder
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        entry = self.code.modules.get(fullname)
        if entry is None:
            return None
        file, is_package = entry
        origin = f"{TASK_ROOT}/{file}" if file else None
        spec = importlib.util.spec_from_loader(fullname, self, origin=origin, is_package=is_package)
        if spec is None:  # pragma: no cover - spec_from_loader returns a spec for a loader
            return None
        spec.has_location = origin is not None
        if is_package:
            spec.submodule_search_locations = [f"{TASK_ROOT}/{fullname.replace('.', '/')}"]
        return spec

    # -- loader
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        name = module.__spec__.name if module.__spec__ is not None else module.__name__
        self.served.add(name)
        file, _ = self.code.modules[name]
        if not file:
            return  # a namespace package: nothing to run
        code = compile(self.code.source(file), f"{TASK_ROOT}/{file}", "exec", dont_inherit=True)
        exec(code, module.__dict__)

    def get_source(self, fullname: str) -> str | None:
        entry = self.code.modules.get(fullname)
        if entry is None or not entry[0]:
            return None
        return importlib.util.decode_source(self.code.source(entry[0]))

    def get_data(self, path: str) -> bytes:
        """A package file's bytes by its ``/var/task/...`` path (``pkgutil.get_data``)."""
        prefix = TASK_ROOT + "/"
        if path.startswith(prefix) and path[len(prefix) :] in self.code.files:
            return self.code.files[path[len(prefix) :]]
        raise OSError(f"no such file in the code package: {path}")

    def is_package(self, fullname: str) -> bool:
        return self.code.modules[fullname][1]


class ModuleSpace:
    """The ``sys.modules`` entries of one execution environment, in and out of the process."""

    __slots__ = ("finder", "roots", "modules", "_stash", "_paths")

    def __init__(self, code: ZipCode | None) -> None:
        self.finder = PackageFinder(code) if code is not None else None
        self.roots: frozenset[str] = code.roots if code is not None else frozenset()
        self.modules: dict[str, ModuleType] = {}
        self._stash: list[dict[str, ModuleType]] = []
        self._paths = [f"{TASK_ROOT}/{path}" for path in code.files] if code is not None else []

    def enter(self) -> None:
        """Hide what the process has under the package's names and show the function's own."""
        if self.finder is None:
            return
        modules = sys.modules
        stash: dict[str, ModuleType] = {}
        for root in self.roots:
            if root in modules:
                prefix = root + "."
                for name in [n for n in modules if n == root or n.startswith(prefix)]:
                    stash[name] = modules.pop(name)
        self._stash.append(stash)
        modules.update(self.modules)
        sys.meta_path.insert(0, self.finder)

    def leave(self) -> None:
        """Take the function's modules back out and restore what was hidden."""
        if self.finder is None:
            return
        try:
            sys.meta_path.remove(self.finder)
        except ValueError:  # pragma: no cover - someone removed it for us
            pass
        modules = sys.modules
        for name in self.finder.served | self.modules.keys():
            module = modules.pop(name, None)
            if module is not None:
                self.modules[name] = module
        modules.update(self._stash.pop())
        for path in self._paths:
            linecache.cache.pop(path, None)  # the next function's /var/task/x.py is another file

    def forget(self) -> None:
        """Drop every module (the environment is being reset)."""
        self.modules.clear()
        if self.finder is not None:
            self.finder.served.clear()


def load_handler(handler: str, space: ModuleSpace) -> Callable[..., Any]:
    """Import the handler's module inside ``space`` and return the handler (Lambda's rules)."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as exc:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {exc}") from None
    if modname.split(".")[0] in sys.builtin_module_names:
        raise InitError("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {modname} as a handler module")
    dotted = modname.replace("/", ".")
    try:
        if space.finder is None or dotted not in space.finder.code.modules:
            raise ModuleNotFoundError(f"No module named '{dotted}'", name=dotted)
        module = importlib.import_module(dotted)
    except ImportError as exc:
        raise InitError("Runtime.ImportModuleError", f"Unable to import module '{modname}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise InitError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {exc}", trace) from None
    try:
        return getattr(module, fname)  # type: ignore[no-any-return]
    except AttributeError:
        raise InitError("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'") from None
