"""Which assignment a student's self-check means by its name: the one
`grade handout` wrote in the folder it runs in, else the one found by name."""
from __future__ import annotations

from conftest import ROOT, copy_assignment
from grader.cases.work_folder import assignment_folder


def test_the_handed_out_folder_it_runs_in_is_the_assignment(tmp_path, monkeypatch):
    handed_out = copy_assignment(tmp_path / "dist", without=("reference.py",))
    monkeypatch.chdir(handed_out)
    assert assignment_folder("ner_window") == handed_out


def test_another_name_is_found_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(copy_assignment(tmp_path / "dist"))
    assert assignment_folder("layers").resolve() == (ROOT / "assignments" / "layers").resolve()


def test_a_folder_without_a_spec_finds_the_assignment_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert assignment_folder("ner_window").resolve() == (ROOT / "assignments" / "ner_window").resolve()
