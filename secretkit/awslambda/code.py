"""Code packages: what a Lambda function runs.

On AWS a Python function's code is a ``.zip`` whose root holds the handler's module
(``lambda_function.py`` for the console's and the rotation templates' handler
``lambda_function.lambda_handler``), next to any packages it bundles. Lambda unpacks it
into ``/var/task``. Here the zip is read once, when the function is created or its code
updated, into :class:`ZipCode`: the files in memory, nothing written to disk. The checks
are Lambda's:

* bytes that are not a readable zip get ``InvalidParameterValueException`` "Could not
  unzip uploaded file. Please check your file, then try to upload again.";
* a zip over 50 MB (Lambda limits the base64 text of the request to 69,905,067
  characters) gets ``RequestEntityTooLargeException``;
* more than 250 MB unzipped gets "Unzipped size must be smaller than 262144000 bytes".

``CodeSha256`` is the base64 of the SHA-256 of the zip's bytes and ``CodeSize`` its
length, as AWS reports them.

The first lessons deploy a plain Python callable instead (:class:`CallableCode`, through
the kit-only ``kit_deploy_callable``). It runs through the same runtime, with the same
environment, context and logs; it simply has no package to import.
"""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
import sys
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import lambda_error

__all__ = [
    "CallableCode",
    "Code",
    "MAX_UNZIPPED_BYTES",
    "RUNTIME_PROVIDED",
    "TASK_ROOT",
    "ZipCode",
    "build_zip",
]

TASK_ROOT = "/var/task"
MAX_UNZIPPED_BYTES = 262_144_000
_MAX_REQUEST_BASE64 = 69_905_067
_UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again."

#: Top-level modules the runtime provides and a package may not replace. boto3 and its
#: dependencies come from the runtime so that clients made inside a function can be routed
#: to the Cloud; secretkit is the Cloud itself (a function may import a database driver
#: from it, as AWS's templates import theirs); the standard library is the interpreter's.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "secretkit"})


def _sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@dataclass(slots=True, frozen=True)
class ZipCode:
    """A function's code package, read from a zip: ``{path inside the zip: bytes}``."""

    files: Mapping[str, bytes]
    size: int
    sha256: str
    #: dotted module name -> (path, is a package); only what the package may provide
    modules: Mapping[str, tuple[str, bool]] = field(default_factory=dict)

    @classmethod
    def from_zip(cls, data: object) -> ZipCode:
        """Read and check a zip, raising Lambda's error for anything Lambda would refuse."""
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise lambda_error("InvalidParameterValueException", _UNZIP_FAILED)
        if 4 * ((len(data) + 2) // 3) > _MAX_REQUEST_BASE64:
            raise lambda_error(
                "RequestEntityTooLargeException",
                f"Request must be smaller than {_MAX_REQUEST_BASE64} bytes for the CreateFunction operation",
            )
        files: dict[str, bytes] = {}
        total = 0
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    name = _normalise(info.filename)
                    if name is None or info.is_dir():
                        continue
                    total += info.file_size
                    if total > MAX_UNZIPPED_BYTES:
                        raise lambda_error(
                            "InvalidParameterValueException",
                            f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes",
                        )
                    files[name] = archive.read(info)  # checks the CRC as it reads
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
            raise lambda_error("InvalidParameterValueException", _UNZIP_FAILED) from None
        return cls(files, len(data), _sha256_b64(data), _module_index(files))

    @property
    def roots(self) -> frozenset[str]:
        """The top-level module names this package provides (``lambda_function``, ``pkg``)."""
        return frozenset(name.partition(".")[0] for name in self.modules)

    def source(self, path: str) -> bytes:
        return self.files[path]


@dataclass(slots=True, frozen=True)
class CallableCode:
    """A plain Python callable deployed as a function (kit-only, for the first lessons)."""

    handler: Callable[[Any, Any], Any]

    @property
    def label(self) -> str:
        """What the function's ``Handler`` shows: ``module.qualname`` of the callable (at most
        the 128 characters a handler may have, the end kept)."""
        target = self.handler
        if not hasattr(target, "__qualname__"):
            target = type(target)
        label = f"{getattr(target, '__module__', None) or '__main__'}.{target.__qualname__}"
        return label[-128:]

    @property
    def size(self) -> int:
        return 0

    @property
    def sha256(self) -> str:
        return _sha256_b64(self.label.encode())


Code = ZipCode | CallableCode


def build_zip(files: Mapping[str, str | bytes]) -> bytes:
    """A deployment package from ``{path: source}`` (what ``zip -r function.zip .`` makes).

    >>> blob = build_zip({"lambda_function.py": "def lambda_handler(event, context):\\n    return 1\\n"})
    >>> ZipCode.from_zip(blob).roots
    frozenset({'lambda_function'})
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def _normalise(name: str) -> str | None:
    """A zip member's path relative to the package root, or None for one outside it."""
    name = name.replace("\\", "/")
    path = posixpath.normpath(name.lstrip("/"))
    if path in ("", ".") or path.startswith("../") or path == "..":
        return None
    return path


def _module_index(files: Mapping[str, bytes]) -> dict[str, tuple[str, bool]]:
    """Which dotted module names the package's ``.py`` files and directories provide.

    A directory with ``__init__.py`` is a package; one holding ``.py`` files without it is
    a namespace package, as Python treats it. Names the runtime provides itself (the
    standard library, boto3 and its dependencies) are left to the runtime.
    """
    index: dict[str, tuple[str, bool]] = {}
    stdlib = getattr(sys, "stdlib_module_names", frozenset())
    for path in files:
        if not path.endswith(".py"):
            continue
        parts = path[:-3].split("/")
        if not all(part.isidentifier() for part in parts) or parts == ["__init__"]:
            continue
        if parts[0] in stdlib or parts[0] in RUNTIME_PROVIDED or parts[0] in sys.builtin_module_names:
            continue
        for depth in range(1, len(parts)):  # every directory on the way is a package
            package = ".".join(parts[:depth])
            init = "/".join(parts[:depth]) + "/__init__.py"
            index.setdefault(package, (init if init in files else "", True))
        if parts[-1] == "__init__":
            index[".".join(parts[:-1])] = (path, True)
        else:
            index.setdefault(".".join(parts), (path, False))
    return index
