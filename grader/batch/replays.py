"""Where a one-file run writes. `grade <student's file>` replays one
student (a regrade request, say, with the seed the class's result
recorded), and a replay never changes the class's reports or saved
results: an instructor who uploads the class's grades.csv afterwards
uploads the whole class. The replay writes the same reports, for its one
student, into a folder of its own beside them,
`<out>/<assignment>/replays/<student>-seed-<seed>/`, so replays of other
students or seeds never overwrite each other. A changed file reaches the
class's reports when the class's folder is graded again, which regrades
only what changed."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..grading import submission_seed
from ..spec import Spec

REPLAYS = "replays"


def replay_folder(class_folder: Path, spec: Spec, student: str, seed: int | None) -> Path:
    """The folder a replay of `student` with `seed` (default: the student's
    own, as a class run draws it) writes its reports and result into."""
    seed = submission_seed(spec, student) if seed is None else seed
    return class_folder / REPLAYS / f"{folder_name(student)}-seed-{seed}"


def folder_name(student: str) -> str:
    """The student's name as a folder's: itself when it holds only ASCII
    letters, digits, '.', '-' and '_' (and starts with neither '.' nor
    '-'); otherwise those characters and a short hash of the name, which
    keeps apart two names that differ only in the others."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._-")[:60]
    if plain == student:
        return student
    return f"{plain or 'student'}-{hashlib.sha256(student.encode('utf-8')).hexdigest()[:8]}"
