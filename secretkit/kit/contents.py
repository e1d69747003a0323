"""The course's table of contents, read from the folders rather than typed into a page.

The start page shows what ``course/`` and ``labs/`` hold *now*: every lecture notebook
(``course/NN_topic.ipynb``, ``NN`` from 01) and every lab (``labs/NN_topic.ipynb``), each
with its title and time from the notebook's own first cell. A lecture or lab added later
appears on the start page the next time it runs, and no sentence anywhere has to count
them ("five labs" was wrong as soon as a sixth arrived).

>>> contents = course_contents()          # doctest: +SKIP
>>> contents.counts()                     # doctest: +SKIP
{'lecture': 6, 'lab': 6}

In a notebook the object shows as two Markdown tables with links that work from the
start page (``course/00_start_here.ipynb``); its plain-text form lists the same entries.
Only the standard library is used: the notebooks are read as JSON, never run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Contents", "Entry", "course_contents", "find_project"]

_NOTEBOOK = re.compile(r"^(?P<number>\d\d)_[a-z0-9_]+\.ipynb$")
_TITLE_PREFIX = re.compile(r"^(?:Lab\s+)?\d+\s*(?:\.|—|-|:)\s*")
_MINUTES = re.compile(r"\*\*Time(?: budget)?:\*\*\s*(?:about\s+)?(?P<minutes>\d+)\s*min", re.IGNORECASE)
KINDS = ("lecture", "lab")


@dataclass(slots=True, frozen=True)
class Entry:
    """One lecture or lab: its kind, number, title, time in minutes (None if unstated) and link."""

    kind: str
    number: int
    title: str
    minutes: int | None
    link: str


def _first_markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            return source if isinstance(source, str) else "".join(source)
    return ""


def _entry(kind: str, path: Path, link: str) -> Entry | None:
    match = _NOTEBOOK.match(path.name)
    if match is None or int(match["number"]) == 0:
        return None
    text = _first_markdown(path)
    heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    minutes = _MINUTES.search(text)
    return Entry(kind, int(match["number"]), _TITLE_PREFIX.sub("", heading, count=1),
                 int(minutes["minutes"]) if minutes else None, link)


def find_project(start: str | Path = ".") -> Path:
    """The folder holding ``course/`` and ``labs/``: ``start`` or a folder above it.

    A notebook's kernel starts in the notebook's own folder (``course/``), a script
    anywhere in the project; both find the same root.
    """
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "course").is_dir() and (folder / "labs").is_dir():
            return folder
    raise FileNotFoundError(f"no folder with course/ and labs/ at or above {here}")


class Contents:
    """The lectures and labs found in a project, in number order."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: (KINDS.index(e.kind), e.number))

    def of(self, kind: str) -> list[Entry]:
        """The entries of one kind: ``"lecture"`` or ``"lab"``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return [e for e in self.entries if e.kind == kind]

    def counts(self) -> dict[str, int]:
        """How many lectures and labs there are (for a sentence that needs the number)."""
        return {kind: len(self.of(kind)) for kind in KINDS}

    def total_minutes(self, kind: str) -> int:
        """The times the entries of one kind state, added up."""
        return sum(e.minutes or 0 for e in self.of(kind))

    def _table(self, kind: str, heading: str) -> str:
        rows = [f"| {e.number} | [{e.title}]({e.link}) | {f'{e.minutes} min' if e.minutes else ''} |"
                for e in self.of(kind)]
        return "\n".join([f"| # | {heading} | time |", "|---|---|---|", *rows])

    def _repr_markdown_(self) -> str:
        counts = self.counts()
        return "\n\n".join([
            f"**Lectures** ({counts['lecture']}, about {self.total_minutes('lecture')} minutes in all)",
            self._table("lecture", "lecture notebook"),
            f"**Labs** ({counts['lab']}, in the `labs` folder, about {self.total_minutes('lab')} minutes in all)",
            self._table("lab", "lab"),
        ])

    def __repr__(self) -> str:
        lines = []
        for e in self.entries:
            time = f" ({e.minutes} min)" if e.minutes else ""
            lines.append(f"{e.kind} {e.number}: {e.title}{time}")
        return "\n".join(lines)


def course_contents(start: str | Path = ".") -> Contents:
    """The lectures in ``course/`` and the labs in ``labs/``, with links relative to ``course/``."""
    root = find_project(start)
    entries: list[Entry] = []
    for kind, folder, prefix in (("lecture", "course", ""), ("lab", "labs", "../labs/")):
        for path in sorted((root / folder).glob("[0-9][0-9]_*.ipynb")):
            entry = _entry(kind, path, prefix + path.name)
            if entry is not None:
                entries.append(entry)
    return Contents(entries)
