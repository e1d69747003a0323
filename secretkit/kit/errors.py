"""The kit's short display of AWS errors in notebooks (an IPython extension; kit-only).

When a notebook cell calls AWS and AWS says no, the useful part is two lines: the error's
class (``ResourceNotFoundException``) and AWS's message. A plain Jupyter kernel shows much
more: every frame between your cell and the failure, thirty to sixty lines of botocore's
request machinery and of the kit's in-process client, which is where the answer came
from, not something you wrote. This extension keeps your notebook's own frames (the
cells, and functions you defined in them) and drops the library frames, for AWS's error
classes only:

* botocore's ``ClientError`` (every service error a boto3 client raises), its
  ``EndpointConnectionError`` (an unreachable region) and ``ParamValidationError`` (input
  the client refused before sending anything);
* secretkit's own ``ClientError``, raised by the model objects when called directly.

Every other exception is shown exactly as IPython shows it. Nothing is hidden for good:
``%tb`` right after the error prints the full traceback, library frames included, and
``%unload_ext secretkit.kit.errors`` switches the short display off.

This is a teaching aid of the kit, not part of the AWS model. No code you write for AWS
imports or needs it, and it changes what is *displayed*, never what is raised: ``try`` /
``except`` in your code sees the same exception either way. ``kit.py`` loads it into every
kernel of the kit's environment (``.venv/etc/ipython/ipython_kernel_config.json``), so
JupyterLab, Voila and ``kit.py notebooks`` all show a failing cell the same way, and what a
student sees live is what the saved notebook shows. It sits in the kit's own helpers, not in
:mod:`secretkit.ui`, so that loading it into every kernel imports neither plotly nor
ipywidgets nor the course's chart theme: only botocore's exception classes and the
model's own error class. ``import secretkit`` never loads it.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from botocore.exceptions import ClientError as BotocoreClientError
from botocore.exceptions import EndpointConnectionError, ParamValidationError

from ..core.errors import ClientError as ModelClientError

__all__ = [
    "AWS_ERRORS",
    "load_ipython_extension",
    "notebook_frames",
    "show_short_aws_error",
    "unload_ipython_extension",
]

#: The exception classes shown short: what AWS (or a boto3 client on its behalf) raises.
AWS_ERRORS: tuple[type[BaseException], ...] = (
    BotocoreClientError,
    EndpointConnectionError,
    ParamValidationError,
    ModelClientError,
)


def notebook_frames(shell: Any, tb: types.TracebackType | None) -> types.TracebackType | None:
    """A copy of the traceback chain ``tb`` holding only frames of code run in a cell.

    IPython compiles each cell under a file name of its own and remembers those names
    (``shell.compile``); a frame whose code comes from any other file belongs to a library.
    """
    kept: list[types.TracebackType] = []
    while tb is not None:
        if shell.compile.format_code_name(tb.tb_frame.f_code.co_filename) is not None:
            kept.append(tb)
        tb = tb.tb_next
    chain: types.TracebackType | None = None
    for entry in reversed(kept):
        chain = types.TracebackType(chain, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return chain


def show_short_aws_error(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: types.TracebackType | None,
    tb_offset: int | None = None,
) -> list[str]:
    """IPython's custom exception handler: show ``value`` with the notebook's frames only.

    The display goes through IPython's own ``showtraceback`` (same colours, same error
    message to the front end, same ``ename`` and ``evalue``); only the frames differ.
    Afterwards ``sys.last_traceback`` is the full one again, for ``%tb`` and ``%debug``.
    """
    short = notebook_frames(shell, tb)
    if short is None:  # nothing of the notebook's own (unusual): keep every frame
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    else:
        shell.showtraceback((etype, value, short), tb_offset=0)
        sys.last_traceback = tb
    return []  # already shown; IPython displays nothing more


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext secretkit.kit.errors``: show AWS errors short from now on."""
    shell.set_custom_exc(AWS_ERRORS, show_short_aws_error)


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext secretkit.kit.errors``: back to IPython's full tracebacks."""
    shell.set_custom_exc((), None)
