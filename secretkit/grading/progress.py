"""A plain-text progress bar for grading, with no dependency.

On a terminal it redraws one line (``[#######.......]  7/20  alice: 3/4``); anywhere else
(a CI log, a file) it writes one line per submission instead, so logs stay readable.
"""

from __future__ import annotations

from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts submissions graded out of ``total`` and shows it on ``stream``."""

    def __init__(self, total: int, stream: TextIO | None, width: int = 30) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.width = width
        self.live = bool(stream is not None and getattr(stream, "isatty", lambda: False)())

    def _bar(self) -> str:
        filled = self.width * self.done // self.total if self.total else self.width
        return "[" + "#" * filled + "." * (self.width - filled) + "]"

    def start(self, student: str) -> None:
        """Show that ``student``'s notebook is running now."""
        if self.live and self.stream is not None:
            self.stream.write(f"\r{self._bar()} {self.done:>3}/{self.total}  grading {student}\x1b[K")
            self.stream.flush()

    def advance(self, student: str, summary: str) -> None:
        """Count one more submission done; ``summary`` is e.g. ``3/4``."""
        self.done += 1
        if self.stream is None:
            return
        if self.live:
            self.stream.write(f"\r{self._bar()} {self.done:>3}/{self.total}  {student}: {summary}\x1b[K")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"graded {self.done}/{self.total}: {student}: {summary}\n")
        self.stream.flush()
