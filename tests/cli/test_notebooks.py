"""A notebook submitted in every way in: `self-check`, a `grade` batch,
`grade gradescope` and the pytest plugin, on real .ipynb files written with
nbformat (tests/notebooks.py). IPython's lines are left out with a note;
each cell runs on its own, so a cell that fails costs only the functions it
defines; and every message names `cell N, line M`."""
from __future__ import annotations

import json

import nbformat
import pytest

from conftest import MAX_SCORE, ROOT, copy_assignment, correct_source, run_cli
from grader.authoring.notebook import starter_notebook
from notebooks import (cells_of, class_cells, correct_cells, functions_of, line_in_cell, with_outputs,
                       write_notebook)
from ways_in import autograder, check_gradescope_fields, results, run_pytest



def lost(name: str = "ner_window.ipynb") -> str:
    return f"score_grads is defined in cell 4 of {name}, which failed at cell 4, line 1, before it defined score_grads:"


def raised(name: str = "ner_window.ipynb") -> str:
    return f'File "{name}", cell 5, line 2, in ner_loss_and_grads'


NOTES = ["cell 2, line 1: `%matplotlib inline` is IPython's, not Python: it was left out",
         "cell 2, line 3: `!pip install numpy` is IPython's, not Python: it was left out",
         "cell 6 failed when it was run (cell 6, line 1: SyntaxError: expected ':' (cell 6, line 1)); it defines "
         "no graded function, so it costs nothing, and the cells after it ran"]
# what the class notebook keeps: every function but score_grads (4 points) and ner_loss_and_grads (5)
CLASS_SCORE = MAX_SCORE - 4 - 5


def test_self_check_names_cells_and_lines(tmp_path):
    write_notebook(tmp_path / "ner_window.ipynb", class_cells())
    run = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    out = run.stdout
    assert "exited with code" not in out
    for note in NOTES:
        assert f"Note: {note}" in out
    assert lost() in out
    assert "    data = np.load('train.npy')\n" in out and "FileNotFoundError" in out
    assert raised() in out and "NameError: name 'undefined_name' is not defined" in out
    assert f"Score on the public checks: {CLASS_SCORE}/{MAX_SCORE}" in out
    # the cells after the failing ones ran: the plot cell failed too, and is noted as costing nothing
    assert "cell 7 failed when it was run (cell 7, line 1: ModuleNotFoundError" in out


def test_a_correct_notebook_with_outputs_and_widgets_gets_full_marks(tmp_path):
    write_notebook(tmp_path / "ner_window.ipynb", with_outputs(correct_cells()), widgets=True)
    run = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Score on the public checks: {MAX_SCORE}/{MAX_SCORE}; every check passed" in run.stdout
    assert "Note:" not in run.stdout


def test_the_handouts_starter_notebook_filled_in_gets_full_marks(tmp_path):
    assignment = ROOT / "assignments" / "ner_window"
    text = starter_notebook((assignment / "instructions.md").read_text(encoding="utf-8"),
                            (assignment / "starter.py").read_text(encoding="utf-8"))
    nb = nbformat.reads(text, as_version=4)
    answers = functions_of(correct_source())
    for cell in nb.cells:   # each starter function's cell, its body written (the helper beside the first)
        name = cell.source.split("(")[0].removeprefix("def ") if cell.source.startswith("def ") else None
        if cell.cell_type == "code" and name in answers:
            cell.source = (answers.pop("sigmoid", "") + "\n\n" + answers[name]).strip()
    nbformat.write(nb, str(tmp_path / "ner_window.ipynb"))
    run = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert f"Score on the public checks: {MAX_SCORE}/{MAX_SCORE}; every check passed" in run.stdout, run.stdout


def test_a_file_that_is_no_notebook_is_told_so(tmp_path):
    (tmp_path / "ner_window.ipynb").write_text("def score(x, W, b, u):\n    return 0\n", encoding="utf-8")
    run = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert run.returncode == 1
    assert "ner_window.ipynb could not be read as a notebook" in run.stdout
    assert "save it again from Jupyter, or submit a .py file" in run.stdout


def test_a_batch_grades_notebooks_beside_python_files(tmp_path):
    batch = tmp_path / "ner_window"
    write_notebook(batch / "nora.ipynb", class_cells())
    write_notebook(batch / "olga" / "work" / "ner_window.ipynb", with_outputs(correct_cells()))
    run = run_cli("grade", batch, "--out", tmp_path / "reports", "-j", "1")
    assert run.returncode == 0, run.stderr
    grades = json.loads((tmp_path / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    by_student = {s["student"]: s for s in grades["submissions"]}
    assert by_student["olga"]["score"] == MAX_SCORE
    nora = by_student["nora"]
    assert nora["score"] == CLASS_SCORE
    assert [note[:6] for note in nora["notes"]] == ["cell 2", "cell 2", "cell 4", "cell 6", "cell 7"]
    assert all(note in nora["notes"] for note in NOTES)
    functions = {f["name"]: f for f in nora["functions"]}
    score = line_in_cell(class_cells(), 3, "def score(")
    assert (functions["score"]["cell"], functions["score"]["line"]) == (3, score)
    assert functions["score_grads"]["checks"][0]["message"].startswith(lost("nora.ipynb"))
    assert any(raised("nora.ipynb") in c["message"] for c in functions["ner_loss_and_grads"]["checks"])
    page = (tmp_path / "reports" / "ner_window" / "nora.html").read_text(encoding="utf-8")
    assert f"cell 3, line {score}" in page and "`%matplotlib inline` is IPython" in page


def test_gradescope_finds_a_notebook_in_the_upload(cli, tmp_path):
    root = tmp_path / "ag"
    autograder(root, {"README.md": "my work"})
    write_notebook(root / "submission" / "hw" / "ner_window.ipynb", class_cells())
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root, "--seed", "3")
    assert run.returncode == 0, run.stderr
    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == CLASS_SCORE
    assert "Notes on your file:\n- cell 2, line 1: `%matplotlib inline`" in data["output"]
    outputs = "\n".join(t["output"] for t in data["tests"])
    assert lost() in outputs
    assert raised() in outputs


def test_the_pytest_plugin_collects_a_notebook(tmp_path):
    copy_assignment(tmp_path / "hw", without=("reference.py",))
    write_notebook(tmp_path / "ner_window.ipynb", class_cells())
    run, items = run_pytest(tmp_path, "--assignment", "hw", "ner_window.ipynb")
    assert run.returncode == 1, run.stdout + run.stderr
    failed = {name: text for name, text in items.items() if text not in (None, "skipped")}
    assert set(failed) == {"ner_window.ipynb.score_grads::import", "ner_window.ipynb.ner_loss_and_grads::returns"}
    assert lost() in failed[
        "ner_window.ipynb.score_grads::import"]
    assert raised() in failed["ner_window.ipynb.ner_loss_and_grads::returns"]
    assert "ner_window.ipynb, cell 5, line 1)" in run.stdout   # where the function is, after its message
    assert "note: cell 2, line 1: `%matplotlib inline`" in run.stdout


def test_a_numerical_derivative_is_named_by_cell_and_line(tmp_path):
    source = (ROOT / "submissions" / "layers" / "affine_finite_differences.py").read_text(encoding="utf-8")
    cells = cells_of(source)
    write_notebook(tmp_path / "layers.ipynb", cells)
    run = run_cli("self-check", "layers.ipynb", "--assignment", "layers", cwd=tmp_path)
    forward = next(k for k, c in enumerate(cells, 1) if c.source.startswith("def affine_forward"))
    assert (f"dx was computed numerically, not derived: during one call of affine_backward, affine_forward "
            f"(cell {forward}, line 1) was called") in run.stdout, run.stdout + run.stderr


@pytest.fixture(scope="module")
def keeping(tmp_path_factory):
    """The class notebook graded by a spec that keeps only the definitions of its functions."""
    tmp = tmp_path_factory.mktemp("keep")
    spec = copy_assignment(tmp / "ner_window")
    with open(spec / "assignment.toml", "a", encoding="utf-8") as f:
        f.write('\n[notebook]\nkeep = "functions"\n')
    write_notebook(tmp / "batch" / "nora.ipynb", class_cells())
    run = run_cli("grade", tmp / "batch", "--assignment", spec, "--out", tmp / "reports", "-j", "1")
    assert run.returncode == 0, run.stderr
    grades = json.loads((tmp / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return grades["submissions"][0]


def test_keeping_functions_skips_loading_plotting_and_magics(keeping):
    functions = {f["name"]: f for f in keeping["functions"]}
    assert functions["score_grads"]["score"] == functions["score_grads"]["max_score"]   # np.load did not run
    assert functions["ner_loss_and_grads"]["score"] == 0   # its own mistake still counts
    assert keeping["score"] == MAX_SCORE - 5
    assert "the rest of cells 2, 4 and 7 did not run" in keeping["notes"][-2]
    assert keeping["notes"][-1].startswith("cell 6 failed when it was run")   # kept whole, to be reported
    assert not any("ModuleNotFoundError" in note for note in keeping["notes"])


@pytest.mark.parametrize("draft, error", [
    ("def score(x, W, b, u)\n    return 0.0", "SyntaxError"),
    ("data = np.load('train.npy')\n\ndef score(x, W, b, u):\n    return 0.0", "FileNotFoundError"),
])
def test_a_failed_draft_costs_nothing_where_a_later_cell_defines_the_function(tmp_path, draft, error):
    cells = correct_cells()
    final = next(k for k, cell in enumerate(cells) if cell.source.startswith("def score("))
    cells.insert(final, nbformat.v4.new_code_cell(draft))   # a draft of score, then the working one
    write_notebook(tmp_path / "ner_window.ipynb", cells)
    run = run_cli("self-check", "ner_window.ipynb", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert f"Score on the public checks: {MAX_SCORE:g}/{MAX_SCORE:g}" in run.stdout
    assert (f"cell {final + 1} failed when it was run (cell {final + 1}, line 1: {error}" in run.stdout
            and "score, defined again in a later cell, was graded as defined there" in run.stdout)
