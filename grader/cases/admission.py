"""Which files are graded: a submission is a regular file, reached from the
folder it was found in (the batch folder, a Gradescope upload, the folder
of a file named on the command line) through real folders only.

A symbolic link anywhere below that folder, to a file or to a folder, is
refused, wherever it leads: the student's report says which link, with an
`error` on every function, and the rest of the batch is graded. A link that
stays inside the submission is refused too, for three reasons. It is one
rule, checked the way the grading process opens the file (O_NOFOLLOW, see
sandbox/runner.py), with no gap between where a link leads when it is checked and
where it leads when the file is opened. A submission never needs one: the
file itself does the same. And a link that stays inside the batch folder
may still lead out of this submission, to another student's file. So no
link is followed, which also means that every folder on the way resolves
(realpath) to a folder inside the one the submission was found in."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..names import student_name


def shown_path(path: Path, root: Path) -> str:
    """`path` below `root`, each part as a student's name is shown."""
    return "/".join(student_name(part) for part in path.relative_to(root).parts)


def refusal(path: Path, root: Path) -> str | None:
    """Why the submission at `path` may not be graded, or None. Each part of
    it below `root` is looked at without following a link; a file that is
    missing is no reason here (grading reports it)."""
    here, mode = Path(root), None
    for part in Path(path).relative_to(root).parts:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return (f"{shown_path(here, root)} is a symbolic link, which the grader does not follow: a submission is "
                    "a regular file inside its folder, so the link was refused and nothing was run. Submit the "
                    "file itself.")
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"{shown_path(here, root)} is not a regular file, so it was refused and nothing was run."
    return None

