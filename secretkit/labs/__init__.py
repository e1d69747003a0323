"""Lab checks: say what is wrong with an answer, never what the answer is.

Every lab notebook ends its exercises with a check cell. A check runs a few ordered
cases against the student's answer and reports the *first* thing that applies:

1. **not answered yet** — the answer is still the placeholder the notebook shipped with:
   ``...`` (Ellipsis), ``None``, a function whose body is only ``...`` (or ``pass``, or a
   docstring) or one that raises ``NotImplementedError``. This is *not* a failure: an
   untouched notebook runs top to bottom without errors.
2. **a known misconception** — a specific, named mistake with a hint, e.g.
   "read without WithDecryption returns ciphertext". The hint points at the idea, never
   at the value the test expects.
3. **all checks passed** — nothing the check looks for is wrong.

The result is a :class:`Result`; a notebook shows its one-line ``repr``::

    ✓ lab02.q3: all checks passed
    ✗ lab02.q3: AWSPENDING is still attached after finishSecret
    … lab02.q3: not answered yet

Tests use ``result.passed`` and ``result.status`` (``"passed"``, ``"failed"`` or
``"unanswered"``).

Writing checks for a lab
------------------------
One :class:`Checks` object per lab holds its questions, in a module of this package
(``secretkit/labs/lab07.py``) that exports ``checks`` and ``check = checks.check``. Each
question is a function that receives the answer and calls :func:`expect` (or raises
:class:`Mistake`) for every misconception it knows, most basic first::

    checks = Checks("lab07")
    check = checks.check

    @checks.question("q1")
    def _q1(read_token: Callable[..., Any]) -> None:
        cloud = Cloud(seed=701)                      # a world of the check's own
        ssm = cloud.client("ssm")
        ssm.put_parameter(Name="/t", Value="s3cret", Type="SecureString")
        got = call(read_token, ssm, "/t")            # the student's function
        expect(got != ssm.get_parameter(Name="/t")["Parameter"]["Value"],
               "read without WithDecryption returns ciphertext")
        expect(got == "s3cret", "the value returned is not the parameter's")

    check("q1", read_token)                          # the notebook's check cell

Rules that keep checks honest:

* Run the student's code against a fresh, seeded :class:`~secretkit.Cloud` made inside the
  question, never against the notebook's own state: results then do not depend on which
  cells ran, or how often.
* A hint names the mistake and the idea behind it; it never contains the expected value.
* Try the answer on the cases that tell mistakes apart (a retry, an outage, a missing
  secret), not just on the happy path.
* Keep a table of the wrong answers students write, each with the message it must get, in
  ``tests/test_labs_labNN.py``: the test feeds every one to its question and asserts the
  hint word for word (``tests/test_labs_checks.py`` tests this framework).

The framework handles the rest: placeholders are detected before the question runs; a
question that receives a callable calls it through :func:`call` (which turns ``...``
bodies and ``NotImplementedError`` into "not answered yet"); any other exception raised
by the *student's* code (``SystemExit`` included) becomes a failed result naming the
exception type and its message. A check cell never raises, so a half-finished notebook
still runs top to bottom.

"Your code raised X" and "the check could not read your answer" are the last resort, not
the message a question should give for a mistake it can foresee. A question tells apart
the wrong answers students really write and names each one:

* **wrong shapes and types first**: a whole response where a field was asked for, a
  string where a bool was, a dict where a list was (:func:`type_name` says which);
* **the AWS error a mistake causes**: catch the student's :class:`StudentError`, read its
  code with :func:`error_code`, and say what the code means for *this* exercise
  (``ParameterAlreadyExists`` on a rotation means "no ``Overwrite=True``");
* **what the code did, not only what it returned**: :func:`count_calls` reads the check's
  own event log, which tells "used the notebook's client instead of the one passed in"
  (the check's account saw no call at all) from "called the wrong operation";
* **scenarios that expose a misconception**: call the function a second time (a cache
  that never refreshes, a value hard-coded from the first call), after a change (a new
  version, a recovered region), during a failure (an outage, a job that raises), with
  other arguments than the notebook's (another environment, a third region).

The lab's own cells that *use* an answer after its check (a demonstration run on the
notebook's account) run it inside ``with carry_on():`` (:func:`carry_on`): a wrong answer
then prints one line instead of stopping "Run All" at that cell, and the cell puts back
whatever shared state the answer may have changed (a region left down) or works on an
account of its own, so the cells after it still work.

The notebooks around the checks
-------------------------------
Each lab has one source, ``labs_src/NN_topic.py`` (percent cell format, answers between
``# BEGIN SOLUTION`` and ``# END SOLUTION``). ``labs/build.py`` writes the student copy
``labs/NN_topic.ipynb`` and the solution copy ``labs/solutions/NN_topic.ipynb``;
``python3 kit.py notebooks labs`` rebuilds them and saves their outputs, and
``tests/test_labs_sync.py`` holds the committed copies to their source (solutions read
``✓`` everywhere, student copies "not answered yet"). ``labs/README.md`` has the details.

This package imports only the standard library at the top of ``__init__``; the per-lab
modules import the model (and boto3 through its clients) when a notebook imports them.
No widget or plotting library is ever imported here.
"""

from __future__ import annotations

import dis
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Literal

__all__ = [
    "Checks",
    "Mistake",
    "Result",
    "StudentError",
    "Unanswered",
    "call",
    "carry_on",
    "count_calls",
    "does_nothing",
    "error_code",
    "expect",
    "is_placeholder",
    "type_name",
]

Status = Literal["passed", "failed", "unanswered"]

_MARKS: dict[str, str] = {"passed": "✓", "failed": "✗", "unanswered": "…"}


class Mistake(Exception):
    """A known misconception found in an answer; its message is the hint shown to the student."""


class Unanswered(Exception):
    """The answer (or something it depends on) is still the notebook's placeholder."""


def is_placeholder(value: object) -> bool:
    """True for the values a lab's placeholders leave behind: ``...`` and ``None``."""
    return value is Ellipsis or value is None


_IDLE_OPS = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG"}


def does_nothing(function: Callable[..., Any]) -> bool:
    """True for a function whose body is only a docstring, ``...`` or ``pass``.

    Such a body compiles to nothing but "return None", whatever Python version; reading the
    bytecode (rather than the source) works for functions typed into a notebook too.
    """
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    ops = [ins for ins in dis.get_instructions(code) if ins.opname not in _IDLE_OPS]
    if len(ops) == 1:
        return ops[0].opname == "RETURN_CONST" and ops[0].argval is None
    return (len(ops) == 2 and ops[0].opname == "LOAD_CONST" and ops[0].argval is None
            and ops[1].opname == "RETURN_VALUE")


def expect(condition: object, hint: str) -> None:
    """Raise :class:`Mistake` with ``hint`` unless ``condition`` holds.

    Write the hint as the mistake, not the fix with its value: "AWSPENDING is still
    attached after finishSecret", not "labels should be {...}".
    """
    if not condition:
        raise Mistake(hint)


class StudentError(Exception):
    """The student's code raised something unexpected; carries the original exception."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a student's function, telling an untouched placeholder from a real answer.

    A placeholder body (``...`` returns ``None``; ``raise NotImplementedError``) raises
    :class:`Unanswered`. Any other exception from the student's code is wrapped in
    :class:`StudentError` so the check reports it instead of crashing the cell. Questions
    that *expect* an exception should catch it themselves before it reaches here (call the
    function directly inside ``try``).
    """
    if not callable(function):
        raise Mistake(f"expected a function, got {type(function).__name__}")
    if does_nothing(function):
        raise Unanswered()
    try:
        value = function(*args, **kwargs)
    except NotImplementedError as exc:
        raise Unanswered() from exc
    except (Mistake, Unanswered):
        raise
    except (Exception, SystemExit) as exc:  # the student's bug (an exit() too), reported rather than raised
        raise StudentError(exc) from exc
    if value is Ellipsis:
        raise Unanswered()
    return value


def error_code(error: BaseException) -> str | None:
    """The AWS error code an exception carries, or None for any other exception.

    Reads botocore's ``ClientError`` (``error.response["Error"]["Code"]``) and the model's
    own :class:`~secretkit.core.errors.ClientError` (``error.code``) without importing
    either, so this package stays free of boto3 until a lab module needs it.
    """
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
    else:
        code = getattr(error, "code", None)
    return code if isinstance(code, str) else None


def count_calls(cloud: Any, operation: str | None = None, *, service: str | None = None,
                region: str | None = None) -> int:
    """How many API calls (failed ones too) matching the filters ``cloud``'s event log holds.

    A check compares a count before and after the student's code ran: no new call at all
    means the code used some other client (the notebook's, made for another account)
    instead of the one the check passed in.
    """
    return len(cloud.events.select(kind="call", operation=operation, service=service, region=region))


def type_name(value: object) -> str:
    """``a dict``, ``an int``, ``None``: how a hint names what the student's code returned."""
    if value is None:
        return "None"
    name = type(value).__name__
    return ("an " if name[:1] in "aeiou" else "a ") + name


@contextmanager
def carry_on() -> Iterator[None]:
    """A ``with`` block for the lab's own cells that use an answer: a failure ends the block, not the notebook.

    ::

        with carry_on():
            for phase, region in drill(cloud, clients, "shop/prod/db"):
                print(phase, region)

    An exception raised inside the block (the student's code failing on the notebook's own
    data) is not re-raised: one line names it, and "Run All" goes on to the next cell. A
    placeholder that raises ``NotImplementedError`` ends the block silently. The cell puts
    back, after the block, any shared state the answer may have left changed (a region
    left down), so the cells below still work. ``KeyboardInterrupt`` is never caught.
    """
    try:
        yield
    except NotImplementedError:
        pass
    except (Exception, SystemExit) as error:
        print(f"✗ this cell stopped early: {_describe(error)}. Your code raised it; its check names the "
              "mistake. The cells below still run.")


def _describe(error: BaseException) -> str:
    """``TypeName: first line of the message`` (botocore's errors put everything on one line)."""
    lines = str(error).splitlines()
    return type(error).__name__ + (f": {lines[0]}" if lines and lines[0] else "")


@dataclass(frozen=True)
class Result:
    """What one check found. ``repr`` is the line a notebook shows."""

    name: str
    status: Status
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __repr__(self) -> str:
        return f"{_MARKS[self.status]} {self.name}: {self.message}"

    __str__ = __repr__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython's text/plain
        printer.text(repr(self))


Question = Callable[..., None]


class Checks:
    """The questions of one lab, by name, each checked with :meth:`check`."""

    def __init__(self, lab: str) -> None:
        if not lab or not isinstance(lab, str):
            raise ValueError("a lab needs a name such as 'lab01'")
        self.lab = lab
        self._questions: dict[str, Question] = {}

    @property
    def names(self) -> list[str]:
        """The question names, in the order they were registered."""
        return list(self._questions)

    def question(self, name: str) -> Callable[[Question], Question]:
        """Register the decorated function as question ``name`` of this lab."""

        def register(function: Question) -> Question:
            if name in self._questions:
                raise ValueError(f"{self.lab}.{name} is registered twice")
            self._questions[name] = function
            return function

        return register

    def check(self, name: str, *answers: Any) -> Result:
        """Check the answer(s) to question ``name`` and return a :class:`Result`.

        Never raises because of the answer: placeholders give "not answered yet",
        mistakes and errors in the student's code give a failed result.
        """
        question = self._questions.get(name)
        if question is None:
            known = ", ".join(self._questions) or "none"
            raise KeyError(f"{self.lab} has no question {name!r} (questions: {known})")
        label = f"{self.lab}.{name}"
        if not answers or any(is_placeholder(answer) for answer in answers):
            return Result(label, "unanswered", "not answered yet")
        try:
            question(*answers)
        except Unanswered:
            return Result(label, "unanswered", "not answered yet")
        except Mistake as mistake:
            return Result(label, "failed", str(mistake))
        except StudentError as error:
            return Result(label, "failed", f"your code raised {_describe(error.original)}")
        except Exception as error:  # an answer of an unexpected shape
            return Result(label, "failed", f"the check could not read your answer ({_describe(error)})")
        return Result(label, "passed", "all checks passed")

    def __repr__(self) -> str:
        return f"Checks({self.lab!r}, questions={self.names})"
