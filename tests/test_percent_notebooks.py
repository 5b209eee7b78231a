"""The bundled deep_network submissions in their notebook form: each
percent-format file makes a notebook whose code cells are its code, cell
by cell, and which is graded as the file is."""
from __future__ import annotations

import ast
import json

import pytest

from conftest import ROOT, run_cli
from percent_notebooks import cells, code_of, notebook

FILES = sorted((ROOT / "submissions" / "deep_network").glob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_notebook_holds_the_same_code(path):
    text = path.read_text(encoding="utf-8")
    document = notebook(text)
    kinds = [c["cell_type"] for c in document["cells"]]
    assert kinds.count("markdown") >= 3 and kinds.count("code") >= 4
    code = code_of(document)
    assert ast.dump(ast.parse(code)) == ast.dump(ast.parse(text))   # comments aside, the same module
    defined = {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}
    assert {"linear_forward", "L_model_forward", "L_model_backward", "update_parameters"} <= defined


def test_markdown_cells_lose_their_comment_marks():
    [(kind, source)] = cells("# %% [markdown]\n# # Title\n#\n# Some *text*.\n")
    assert kind == "markdown" and source == "# Title\n\nSome *text*."


def verdicts(grades: dict) -> dict:
    """student -> the (function, check, status, diagnosis) of every check, and the function's points."""
    return {s["student"]: {(f["name"], f["score"], c["name"], c["status"], c["diagnosis"])
                           for f in s["functions"] for c in f["checks"]} for s in grades["submissions"]}


def test_the_notebook_forms_get_the_verdicts_of_the_files(tmp_path):
    """Each bundled deep_network submission, submitted as the notebook made
    from it, gets the verdict and diagnoses its .py gets, check by check
    (test_bundled_assignments.py says what those are)."""
    batch = tmp_path / "notebooks" / "deep_network"
    batch.mkdir(parents=True)
    for path in FILES:
        (batch / f"{path.stem}.ipynb").write_text(json.dumps(notebook(path.read_text(encoding="utf-8"))),
                                                  encoding="utf-8")
    found = {}
    for kind, folder in (("py", ROOT / "submissions" / "deep_network"), ("ipynb", batch)):
        done = run_cli("grade", str(folder), "--assignment", "deep_network", "--out", str(tmp_path / kind),
                       "--format", "json", timeout=600)
        assert done.returncode == 0, done.stderr
        found[kind] = verdicts(json.loads((tmp_path / kind / "deep_network" / "grades.json").read_text()))
    assert set(found["ipynb"]) == {path.stem for path in FILES}
    assert found["ipynb"] == found["py"]
