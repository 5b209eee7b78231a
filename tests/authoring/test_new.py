"""`grade new NAME`: a new assignment's folder, from templates, and the
names it refuses: one that is no identifier, one taken, and one that would
name the students' file after a module the grader imports first."""
from __future__ import annotations

from conftest import copy_assignment, edit_spec


def test_new_writes_an_assignment_folder_that_says_what_to_do_next(cli, tmp_path):
    run = cli("grade", "new", "softmax_regression", "--root", tmp_path)
    folder = tmp_path / "softmax_regression"
    assert run.returncode == 0, run.stderr
    assert f"created {folder}: edit assignment.toml and reference.py, then run grade validate {folder}" in run.stdout
    assert sorted(p.name for p in folder.iterdir()) == [".gitattributes", "assignment.toml", "instructions.md",
                                                        "reference.py"]
    assert 'name = "softmax_regression"' in (folder / "assignment.toml").read_text(encoding="utf-8")


def test_new_refuses_a_name_it_cannot_use_and_creates_nothing(cli, tmp_path):
    (tmp_path / "taken").mkdir()
    for name, said in [("numpy", "'numpy' is the name of a module the grader uses"),
                       ("random", "'random' is the name of a module the grader uses"),
                       ("two words", "must be a Python identifier"),
                       ("taken", "exists already")]:
        run = cli("grade", "new", name, "--root", tmp_path)
        assert run.returncode == 2 and said in run.stderr, (name, run.stderr)
        assert "Traceback" not in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_a_spec_whose_module_is_taken_is_refused_at_module(cli, tmp_path):
    spec = copy_assignment(tmp_path / "hw")
    edit_spec(spec, ('module = "ner_window"', 'module = "numpy"'))
    run = cli("grade", "validate", spec)
    assert run.returncode == 2
    assert "module: 'numpy' is the name of a module the grader uses" in run.stderr
    assert "a student's numpy.py would not be imported" in run.stderr
