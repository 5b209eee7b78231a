"""The bundled deep_network submissions are notebooks, as the course hands
them in: each is a valid nbformat 4 document (markdown between the code, the
course's IPython lines at the top, one carrying outputs), and each gets,
check by check, the verdicts the same code gets as a `.py` file."""
from __future__ import annotations

import json

import nbformat

from conftest import ROOT, run_cli

NOTEBOOKS = sorted((ROOT / "submissions" / "deep_network").glob("*.ipynb"))


def plain_module(path) -> str:
    """A notebook's code cells joined as a Python file, its IPython lines (magics, shell escapes) left out."""
    document = nbformat.read(str(path), as_version=4)
    lines = [line for cell in document.cells if cell.cell_type == "code"
             for line in cell.source.splitlines() + [""] if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines) + "\n"


def test_every_bundled_submission_is_a_notebook():
    assert len(NOTEBOOKS) == 8
    assert not list((ROOT / "submissions" / "deep_network").glob("*.py"))
    for path in NOTEBOOKS:
        document = nbformat.read(str(path), as_version=4)
        nbformat.validate(document)
        kinds = [cell.cell_type for cell in document.cells]
        assert kinds.count("markdown") >= 3 and kinds.count("code") >= 5, path.name
        assert document.cells[1].source.startswith("%load_ext autoreload"), path.name
    katherine = nbformat.read(str(ROOT / "submissions" / "deep_network" / "katherine.ipynb"), as_version=4)
    assert any(cell.get("outputs") for cell in katherine.cells)


def verdicts(grades: dict) -> dict:
    """student -> the (function, points, check, status, diagnosis) of every check."""
    return {s["student"]: {(f["name"], f["score"], c["name"], c["status"], c["diagnosis"])
                           for f in s["functions"] for c in f["checks"]} for s in grades["submissions"]}


def test_the_same_code_as_a_file_gets_the_verdicts_of_the_notebook(tmp_path):
    """Each notebook, and its code as deep_network.py-style files, graded
    by the `grade` command: the same checks, statuses, points and diagnoses
    (test_bundled_assignments.py says what those are); the notebooks carry a
    note that their IPython lines were left out, the files none."""
    files = tmp_path / "files" / "deep_network"
    files.mkdir(parents=True)
    for path in NOTEBOOKS:
        (files / f"{path.stem}.py").write_text(plain_module(path), encoding="utf-8")
    found, notes = {}, {}
    for kind, folder in (("ipynb", ROOT / "submissions" / "deep_network"), ("py", files)):
        done = run_cli("grade", str(folder), "--assignment", "deep_network", "--out", str(tmp_path / kind),
                       "--format", "json", timeout=600)
        assert done.returncode == 0, done.stderr
        grades = json.loads((tmp_path / kind / "deep_network" / "grades.json").read_text(encoding="utf-8"))
        found[kind] = verdicts(grades)
        notes[kind] = {s["student"]: " ".join(s.get("notes") or []) for s in grades["submissions"]}
    assert set(found["py"]) == {path.stem for path in NOTEBOOKS}
    assert found["py"] == found["ipynb"]
    assert all("%load_ext autoreload" in note for note in notes["ipynb"].values()), notes["ipynb"]
    assert not any(notes["py"].values())
