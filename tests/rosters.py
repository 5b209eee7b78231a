"""A small class graded with a roster by the real command line, shared by
the tests that read its reports (tests/cli/test_roster.py, and the class
page in a browser, tests/reports/test_roster_browser.py).

The class folder holds three of the bundled submissions (`grace` as a
folder) and `ada_l.py`, a copy of ada's work under a name no roster row
has; the roster names ada, grace, transposed_dw and zed, who handed in
nothing."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from conftest import SUBMISSIONS, Grades, run_cli

ROSTER = """submission,student_id,name,email,section,username
ada,1001,Ada Lovelace,ada@example.edu,A1,alovelace
grace,1002,Grace Hopper,grace@example.edu,A2,ghopper
transposed_dw,1003,"Tim Transposer, Jr.",tim@example.edu,A1,
zed,1004,Zed Absent,zed@example.edu,A2,zabsent
"""


@dataclass
class RosterClass:
    root: Path          # the test's folder: the class's submissions under submissions/, its roster in people/
    batch: Path         # submissions/ner_window
    roster: Path
    out: Path           # the reports' root: out/ner_window
    run: object         # the `grade` run (returncode, stdout, stderr)

    @property
    def folder(self) -> Path:
        return self.out / "ner_window"

    @property
    def grades(self) -> Grades:
        return Grades.load(self.folder / "grades.json")


def class_folder(root: Path) -> tuple[Path, Path]:
    """The class's submissions and its roster under `root`: (the batch folder, the roster file)."""
    batch = root / "submissions" / "ner_window"
    batch.mkdir(parents=True)
    for name in ("ada.py", "transposed_dw.py"):
        shutil.copy(SUBMISSIONS / name, batch / name)
    shutil.copy(SUBMISSIONS / "ada.py", batch / "ada_l.py")
    shutil.copytree(SUBMISSIONS / "grace", batch / "grace", ignore=shutil.ignore_patterns("__pycache__"))
    roster = root / "people" / "roster.csv"
    roster.parent.mkdir()
    roster.write_text(ROSTER, encoding="utf-8")
    return batch, roster


def graded_with_roster(root: Path, *formats: str) -> RosterClass:
    """`grade submissions/ner_window --roster people/roster.csv`, run in `root`."""
    batch, roster = class_folder(root)
    extra = [arg for f in formats for arg in ("--format", f)]
    run = run_cli("grade", "submissions/ner_window", "--roster", "people/roster.csv", "--out", "out", "-q",
                  *extra, cwd=root)
    assert run.returncode == 0, run.stderr
    return RosterClass(root, batch, roster, root / "out", run)
