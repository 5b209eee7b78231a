"""The pytest plugin as a student uses it: `pytest --assignment DIR file.py`,
or plain `pytest` in a repository whose pyproject.toml names the assignment.
pytest runs as a real subprocess in a temporary folder holding what a
student has (the spec, public.json, no reference); its own JUnit report
tells which items ran and with what failure text."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT, SUBMISSIONS, copy_assignment
from ways_in import PLUGIN, run_pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.student_facing


@pytest.fixture
def student(tmp_path) -> Path:
    """A student's folder: the assignment as handed out (no reference) in hw/."""
    copy_assignment(tmp_path / "hw", without=("reference.py",))
    return tmp_path


def test_the_entry_point_is_declared():
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    assert project["entry-points"]["pytest11"] == {"backprop-grader": PLUGIN}


def test_each_check_is_an_item_and_a_failure_is_the_graders_message(student):
    (student / "ner_window.py").write_text((SUBMISSIONS / "transposed_dw.py").read_text(encoding="utf-8"))
    run, items = run_pytest(student, "--assignment", "hw", "ner_window.py")
    assert run.returncode == 1, run.stdout + run.stderr

    failed = {name: text for name, text in items.items() if text not in (None, "skipped")}
    assert list(failed) == ["ner_window.ner_loss_and_grads::dW shape"]
    [text] = failed.values()
    assert text.startswith("on public case 1: dW has shape (15, 7); expected (H, D) = (7, 15)\n"
                           "Diagnosis: dW is transposed")
    assert "(failed: ner_loss_and_grads › dW shape, ner_window.py, line " in text
    # every public check is an item, grouped by function; hidden ones are not run here
    assert "ner_window.window_vectors::signature" in items and "ner_window.score_grads::ds_dW gradient" in items
    assert not any("(hidden)" in name for name in items)
    assert "FAILED ner_window.py::ner_loss_and_grads::dW shape - on public case 1" in run.stdout
    assert "ner_window.py (ner_window): 12/13 points on the public checks;" in run.stdout
    assert "hidden checks were not run here" in run.stdout


def test_a_file_of_another_name_given_with_assignment_is_graded(student):
    (student / "my_work.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, items = run_pytest(student, "--assignment", "hw", "my_work.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert len(items) > 40 and all(text is None for text in items.values())
    assert "my_work.py (ner_window): 13/13 points" in run.stdout


def test_pyproject_table_makes_plain_pytest_grade_the_module_beside_the_students_tests(student):
    (student / "pyproject.toml").write_text('[tool.backprop-grader]\nassignment = "hw"\n', encoding="utf-8")
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    (student / "test_mine.py").write_text("def test_my_own_idea():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    run, items = run_pytest(student)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "test_mine::test_my_own_idea" in items
    graded = [name for name in items if name.startswith("ner_window.")]
    assert len(graded) == len(items) - 1
    assert "13/13 points on the public checks" in run.stdout


def test_pyproject_files_list_picks_the_files(student):
    (student / "pyproject.toml").write_text('[tool.backprop-grader]\nassignment = "hw"\nfiles = ["src/answer.py"]\n',
                                            encoding="utf-8")
    (student / "src").mkdir()
    (student / "src" / "answer.py").write_text((SUBMISSIONS / "sign_flipped.py").read_text(encoding="utf-8"))
    (student / "ner_window.py").write_text("this is not python\n", encoding="utf-8")
    run, items = run_pytest(student)
    assert run.returncode == 1
    failed = [name for name, text in items.items() if text not in (None, "skipped")]
    assert failed and all(name.startswith("src.answer.score_grads::") for name in failed)
    assert any("wrong sign" in items[name] for name in failed)


@pytest.mark.parametrize("files, said", [
    ('"ner_window.py"', 'files must be a list of file names, such as files = ["ner_window.py"]'),
    ('["src/ner_window.py"]', "files names 'src/ner_window.py', which is no file"),
])
def test_a_files_setting_that_names_no_file_says_so(student, files, said):
    (student / "pyproject.toml").write_text(f'[tool.backprop-grader]\nassignment = "hw"\nfiles = {files}\n',
                                            encoding="utf-8")
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, _ = run_pytest(student)
    assert run.returncode == 4, run.stdout + run.stderr   # pytest's usage error
    assert said in run.stdout + run.stderr


def test_a_misspelt_assignment_in_pyproject_says_so(student):
    (student / "pyproject.toml").write_text('[tool.backprop-grader]\nassignment = "hw_typo"\n', encoding="utf-8")
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, _ = run_pytest(student)
    assert run.returncode == 4, run.stdout + run.stderr
    assert "assignment = 'hw_typo': no assignment 'hw_typo'" in run.stdout + run.stderr


def test_a_student_without_public_json_is_told_it_is_missing(student):
    (student / "hw" / "public.json").unlink()
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, _ = run_pytest(student, "--assignment", "hw", "ner_window.py")
    assert run.returncode in (1, 2)
    assert "public.json: no published public cases for ner_window" in run.stdout
    assert "reference" not in run.stdout


def test_an_unknown_assignment_is_a_collection_error_that_says_so(student):
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, _ = run_pytest(student, "--assignment", "no_such_thing", "ner_window.py")
    assert run.returncode in (1, 2)
    assert "backprop-grader: no assignment 'no_such_thing'" in run.stdout


def test_without_an_assignment_the_plugin_stays_out_of_the_way(tmp_path):
    (tmp_path / "ner_window.py").write_text("def test_plain():\n    assert True\n", encoding="utf-8")
    run, items = run_pytest(tmp_path, "ner_window.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(items) == ["ner_window::test_plain"]
    assert "points on the public checks" not in run.stdout


def test_a_file_given_without_an_assignment_says_how_to_name_one(student):
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    run, items = run_pytest(student, "ner_window.py")
    assert run.returncode == 5 and items == {}, run.stdout + run.stderr
    assert ("no assignment named, so ner_window.py was not graded. Name the assignment (its name, or its "
            "folder, which holds assignment.toml and public.json):\n"
            "    pytest --assignment path/to/assignment ner_window.py\n"
            "or in pyproject.toml:\n"
            "    [tool.backprop-grader]\n"
            '    assignment = "path/to/assignment"\n') in run.stdout
    # named, it is graded
    run, items = run_pytest(student, "--assignment", "hw", "ner_window.py")
    assert run.returncode == 0 and len(items) > 40 and "no assignment named" not in run.stdout


def test_a_test_file_without_tests_gets_no_such_advice(student):
    (student / "test_nothing.py").write_text("x = 1\n")
    run, _ = run_pytest(student, "test_nothing.py")
    assert run.returncode == 5 and "no assignment named" not in run.stdout


def test_the_sandbox_starts_as_collection_begins_and_the_summary_names_its_isolation(student):
    """The process students' files run from is started before pytest collects
    a single file (a conftest of the student's reports what it finds when the
    first collector starts), so that it warms up while pytest collects."""
    (student / "ner_window.py").write_text((SUBMISSIONS / "ada.py").read_text(encoding="utf-8"))
    (student / "conftest.py").write_text(
        "import sys\n\n\ndef pytest_collectstart(collector):\n"
        "    server = sys.modules.get('grader.sandbox.fork_server')\n"
        "    if collector.nodeid == '':\n"
        "        print(f'sandbox at collection start: {getattr(server, \"_shared\", None) is not None}')\n",
        encoding="utf-8")
    run, _ = run_pytest(student, "-s", "--assignment", "hw", "ner_window.py")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sandbox at collection start: True" in run.stdout
    assert "isolation: " in run.stdout
