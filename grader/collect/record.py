"""`collection.json`: what `grade collect` took from each repository, kept
in the submissions folder beside the students' folders.

    {"deadline", "collected_at",
     "submissions": [{"submission", "repository", "commit", "committed_at", "collected_at", "deadline",
                      "commits_after_deadline", "branch", "notes"}],
     "not_collected": [{"submission", "repository", "problem"}]}

Times are ISO 8601 with their offset: `committed_at` is the commit's
committer time as git wrote it (the late policy reads it), `collected_at`
when it was fetched. Each entry keeps its own deadline: a later run for some
students (an extension, a repository fixed) replaces their entries and
leaves the others as they are; `deadline` and `collected_at` at the top, and
`not_collected`, are the last run's. `grade` reads the file to put each
submission's commit and its time in the results (`stamped`)."""
from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..atomic import write_text
from ..names import for_log, student_name
from . import COLLECTION_FILE


class Collected(BaseModel):
    submission: str
    repository: str
    commit: str
    committed_at: str             # the committer time, ISO 8601 with the committer's offset
    collected_at: str             # when the repository was fetched
    deadline: str
    commits_after_deadline: int   # commits on the branch after the deadline, walked past to reach this one
    branch: str
    notes: list[str] = []         # what of the tree was left out or written otherwise (tree.py)

    def final(self, deadline: datetime, repository: str) -> bool:
        """Whether this entry is a collection from `repository` for `deadline`
        made once the deadline had passed: collecting again could only let in
        commits pushed since, whatever their dates."""
        return (self.repository == repository and datetime.fromisoformat(self.deadline) == deadline
                and datetime.fromisoformat(self.collected_at) >= deadline)


class NotCollected(BaseModel):
    submission: str
    repository: str
    problem: str


class Collection(BaseModel):
    deadline: str
    collected_at: str
    submissions: list[Collected] = []
    not_collected: list[NotCollected] = []

    def entry(self, submission: str) -> Collected | None:
        return next((e for e in self.submissions if e.submission == submission), None)

    def put(self, entry: Collected) -> None:
        """Add `entry`, in the place of the submission's earlier one; entries in order of their names."""
        self.submissions = sorted([e for e in self.submissions if e.submission != entry.submission] + [entry],
                                  key=lambda e: e.submission)


def read_collection(folder: Path) -> Collection | None:
    """The collection.json of `folder`, None where there is none; ValueError where it is not one."""
    path = Path(folder) / COLLECTION_FILE
    if not path.exists():
        return None
    try:
        return Collection.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ValueError(f"{path}: not a {COLLECTION_FILE} that grade collect wrote ({first})") from None


def write_collection(folder: Path, collection: Collection) -> Path:
    return write_text(Path(folder) / COLLECTION_FILE, collection.model_dump_json(indent=2) + "\n")


# --- read by grade -------------------------------------------------------------------------------

def commits_for(submissions: Iterable) -> dict[str, Collected]:
    """The entry of each submission (anything with `.student` and `.root`,
    the folder it was found in) in that folder's collection.json, by student
    name; for a student's folder graded on its own, in the collection.json
    of the folder that holds it. A collection.json that cannot be read is
    said so on stderr, once, and the results then name no commit."""
    by_folder: dict[Path, dict[str, Collected]] = {}
    found = {}
    for sub in submissions:
        for folder in ((sub.root, sub.root.parent) if sub.root.name == sub.student else (sub.root,)):
            if folder not in by_folder:
                by_folder[folder] = _entries(folder)
            if sub.student in by_folder[folder]:
                found[sub.student] = by_folder[folder][sub.student]
                break
    return found


def _entries(folder: Path) -> dict[str, Collected]:
    try:
        collection = read_collection(folder)
    except ValueError as e:
        print(f"warning: {for_log(str(e))}: the results name no commit", file=sys.stderr)
        return {}
    return {student_name(e.submission): e for e in collection.submissions} if collection else {}


def stamped(result, entry: Collected | None):
    """`result` (a SubmissionResult) with the commit it was collected at, where there is one."""
    if entry is None:
        return result
    return result.model_copy(update={"commit": entry.commit, "committed_at": entry.committed_at})
