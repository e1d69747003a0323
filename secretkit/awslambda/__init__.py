"""Lambda-style functions: Python handlers the Cloud registers and invokes (see :mod:`.functions`)."""

from .functions import Function, FunctionRegistry, Handler, LambdaContext

__all__ = ["Function", "FunctionRegistry", "Handler", "LambdaContext"]
