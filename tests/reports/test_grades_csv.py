"""grades.csv read as a gradebook import or a script reads it: by column name.
Functions named like the totals (`score`, `max_score`, `student`) must not
take a total's column, in the bundled ner_window (which has a `score`) or in
an assignment that names all three."""
from __future__ import annotations

import csv
from pathlib import Path

from conftest import FUNCTIONS, MAX_SCORE

from grader.reports.adjusted import COLUMNS as ADJUSTED

COLLIDING = """
name = "clash"

[dims]
n = [3, 4]

[cases]
public = 1
hidden = 1
hidden_pool = 0
{functions}
"""

FUNCTION = """
[[functions]]
name = "{name}"
points = {points}
args = [{{ name = "x", shape = ["n"] }}]
outputs = [
  {{ name = "J", shape = [] }},
  {{ name = "dx", shape = ["n"], gradient = {{ of = "J", wrt = "x" }} }},
]
"""

# J = sum(x**2) * k; the student's `max_score` forgets the factor 2 of its gradient
REFERENCE = "import numpy as np\n" + "".join(
    f"def {name}(x):\n    return float({k} * np.sum(x ** 2)), {k} * 2 * x\n\n"
    for name, k in (("student", 1), ("score", 2), ("max_score", 3)))
STUDENT = REFERENCE.replace("3 * 2 * x", "3 * x")
POINTS = {"student": 1, "score": 2, "max_score": 4}


def rows_by_name(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert len(set(reader.fieldnames)) == len(reader.fieldnames), f"repeated columns: {reader.fieldnames}"
        return list(reader)


def test_the_bundled_class_reads_by_column_name(graded):
    rows = {row["student"]: row for row in rows_by_name(graded.folder / "grades.csv")}
    assert list(rows) == graded.grades.students
    for student, row in rows.items():
        sub = graded.grades.submission(student)
        assert float(row["score"]) == sub["score"] and float(row["max_score"]) == MAX_SCORE
        for f in sub["functions"]:
            assert float(row[f"function:{f['name']}"]) == f["score"]
    assert set(rows["wrong_forward"]) == {"student", "score", "max_score", *(f"function:{f}" for f in FUNCTIONS),
                                          *ADJUSTED}
    assert rows["wrong_forward"]["grader_score"] == "8" and rows["wrong_forward"]["adjustments"] == ""
    assert rows["wrong_forward"]["score"] == "8" and rows["wrong_forward"]["function:score"] == "0"


def test_functions_named_like_the_totals_keep_columns_of_their_own(cli, tmp_path):
    folder = tmp_path / "clash"
    folder.mkdir()
    (folder / "assignment.toml").write_text(COLLIDING.format(functions="".join(
        FUNCTION.format(name=name, points=points) for name, points in POINTS.items())), encoding="utf-8")
    (folder / "reference.py").write_text(REFERENCE, encoding="utf-8")
    (tmp_path / "submissions" / "clash").mkdir(parents=True)
    (tmp_path / "submissions" / "clash" / "ada.py").write_text(STUDENT, encoding="utf-8")
    run = cli("grade", tmp_path / "submissions" / "clash", "--assignment", folder, "--out", tmp_path / "out",
              cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr

    [row] = rows_by_name(tmp_path / "out" / "clash" / "grades.csv")
    assert row == {"student": "ada", "score": "5", "max_score": "7",
                   "function:student": "1", "function:score": "2", "function:max_score": "2",
                   "grader_score": "5", "adjustment_points": "0", "late_penalty": "", "submitted_at": "",
                   "time_source": "", "adjustments": ""}
