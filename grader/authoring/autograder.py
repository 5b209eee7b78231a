"""`grade handout --gradescope`: the zip Gradescope builds an autograder from.

At its root, where Gradescope looks for them: `setup.sh`, which Gradescope
runs once when it builds the image (it installs Python and the grader's
wheel, whose dependencies come from the package registry); `run_autograder`,
which it runs for every submission (`grade gradescope` on the assignment);
the grader as a wheel (authoring/wheel.py); and `assignments/<name>/`: the
handout (handout.py) with the reference. `.pool/` stays out: the reference's
answers are computed in the image, whose numpy may differ.

Gradescope unpacks the zip into /autograder/source; `run_autograder` takes
$AUTOGRADER_ROOT in place of /autograder when it is set, as `grade
gradescope` does, so the zip can be tried in any folder."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..adjustments.book import FILENAME as ADJUSTMENTS
from ..cases.assignment import REFERENCE, Assignment
from .handout import handout_files, read_file
from .wheel import grader_wheel, zip_files

SETUP = """#!/usr/bin/env bash
# setup.sh: Gradescope runs it once, when it builds the autograder's image
set -euo pipefail
apt-get update
apt-get install -y python3 python3-venv
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install /autograder/source/{wheel}
"""

RUN = """#!/usr/bin/env bash
# run_autograder: Gradescope runs it for every submission
set -euo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$root/source"
exec "$root/venv/bin/grade" gradescope --assignment assignments/{name}
"""

SCRIPTS = frozenset({"setup.sh", "run_autograder"})


def autograder_files(a: Assignment) -> dict[str, bytes]:
    """Every file of the zip, by its path in it."""
    assignment = handout_files(a)
    assignment[REFERENCE] = read_file(a.folder, REFERENCE)
    if (a.folder / ADJUSTMENTS).exists() or (a.folder / ADJUSTMENTS).is_symlink():   # the late policy, for grade gradescope
        assignment[ADJUSTMENTS] = read_file(a.folder, ADJUSTMENTS)
    wheel_name, wheel = grader_wheel()
    files = {"setup.sh": SETUP.format(wheel=wheel_name).encode(), "run_autograder": RUN.format(name=a.name).encode(),
             wheel_name: wheel}
    files.update({f"assignments/{a.name}/{path}": data for path, data in sorted(assignment.items())})
    return files


def write_autograder(a: Assignment, out: Path) -> Path:
    """Write out/<assignment name>-autograder.zip and return its path."""
    data = zip_files(autograder_files(a), executable=SCRIPTS)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{a.name}-autograder.zip"
    temp = out / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path
