"""Finding each student's notebook in a folder of submissions.

``kit.py grade SUBMISSIONS`` accepts a folder (or a ``.zip`` of one) in any of these
layouts, mixed freely:

* **one notebook per student**: ``alice.ipynb``, ``bob.ipynb``; the student is the file
  name without ``.ipynb``;
* **one folder per student**: ``alice/01_store_and_read.ipynb``; the student is the
  folder's name. A folder with several notebooks uses the one named like the lab
  (``01_*.ipynb``); otherwise it is reported, not guessed;
* **Canvas's "Download Submissions"**: files named ``name_userid_attachmentid_file.ipynb``
  (``name_LATE_...`` for a late one); the student is ``name``, and "late" is noted;
* **Gradescope's "Export Submissions"**: a ``submission_metadata.yml`` beside folders
  ``submission_NNN/``; the student is the submitter's e-mail (else their SID or name) from
  the metadata, else the folder's name.

Checkpoint folders (``.ipynb_checkpoints``) and hidden files are ignored.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Submission", "discover", "safe_name", "unpack"]

_CANVAS = re.compile(r"^(?P<name>[A-Za-z0-9-]+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass(slots=True)
class Submission:
    """One student's submission: the notebook to grade, or why there is none."""

    student: str
    notebook: Path | None
    problem: str = ""
    late: bool = False


def safe_name(student: str) -> str:
    """``student`` made safe as a file name (letters, digits and ``._@+-`` only)."""
    return _UNSAFE.sub("_", student).strip("._") or "student"


def unpack(archive: Path, into: Path) -> Path:
    """Extract a ``.zip`` of submissions into ``into`` and return the folder to read.

    Members that would land outside ``into`` (absolute paths, ``..``) are refused.
    """
    into.mkdir(parents=True, exist_ok=True)
    root = into.resolve()
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            target = (root / member.filename).resolve()
            if not target.is_relative_to(root):
                raise ValueError(f"{archive.name} holds a path outside the archive: {member.filename}")
        zipped.extractall(root)
    entries = [p for p in root.iterdir() if not _ignored(p)]
    if len(entries) == 1 and entries[0].is_dir() and not _is_gradescope(root):
        return entries[0]  # the archive held one folder: read inside it
    return root


def _ignored(path: Path) -> bool:
    return path.name.startswith((".", "__MACOSX")) or path.name == ".ipynb_checkpoints"


def _is_gradescope(folder: Path) -> bool:
    return (folder / "submission_metadata.yml").is_file()


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*.ipynb")
        if not any(_ignored(Path(part)) for part in p.relative_to(folder).parts)
    )


def _pick(folder: Path, lab_prefix: str) -> tuple[Path | None, str]:
    found = _notebooks_in(folder)
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, "no notebook (.ipynb) in the submission"
    named = [p for p in found if p.name.startswith(lab_prefix) or f"_{lab_prefix}" in p.name]
    if len(named) == 1:
        return named[0], ""
    names = ", ".join(p.relative_to(folder).as_posix() for p in found)
    return None, f"several notebooks, none clearly this lab's: {names}"


def _gradescope_names(folder: Path) -> dict[str, str]:
    """``submission_NNN`` -> the submitter's e-mail, SID or name, from the export's metadata."""
    try:
        import yaml  # PyYAML comes with Jupyter; without it, folder names are used
    except ImportError:
        return {}
    try:
        metadata = yaml.safe_load((folder / "submission_metadata.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    names: dict[str, str] = {}
    for key, entry in (metadata or {}).items() if isinstance(metadata, dict) else []:
        if not isinstance(entry, dict):
            continue
        people = entry.get(":submitters", entry.get("submitters")) or []
        if people and isinstance(people[0], dict):
            person = {str(k).lstrip(":"): v for k, v in people[0].items()}
            chosen = person.get("email") or person.get("sid") or person.get("name")
            if chosen:
                names[str(key)] = str(chosen)
    return names


def discover(folder: Path, lab_prefix: str) -> list[Submission]:
    """Every submission in ``folder``, sorted by student; ``lab_prefix`` is e.g. ``"01_"``."""
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of submissions")
    gradescope = _gradescope_names(folder) if _is_gradescope(folder) else {}
    found: dict[str, Submission] = {}

    def add(submission: Submission) -> None:
        student = submission.student
        if student in found:
            raise ValueError(f"two submissions for {student!r} in {folder}: rename one")
        found[student] = submission

    for entry in sorted(folder.iterdir()):
        if _ignored(entry):
            continue
        if entry.is_dir():
            notebook, problem = _pick(entry, lab_prefix)
            add(Submission(gradescope.get(entry.name, entry.name), notebook, problem))
        elif entry.suffix == ".ipynb":
            canvas = _CANVAS.match(entry.name)
            if canvas:
                add(Submission(canvas["name"], entry, late=bool(canvas["late"])))
            else:
                add(Submission(entry.stem, entry))
    return [found[name] for name in sorted(found)]
