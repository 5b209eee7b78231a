"""public.json is keyed on what the spec means, not on its bytes: a student
whose git turned the spec's line endings into CRLF, or whose instructor added
a comment, still self-checks; a spec that says something else is refused with
the message that says so."""
from __future__ import annotations

import pytest

from conftest import copy_assignment, correct_source, run_cli, write_submission

STALE = "public.json was made for another version of assignment.toml"

# (old, new) edits of ner_window's spec that change how it reads, not what it says
SAME_MEANING = {
    "a comment": (("[dims]\n", "# note: windows of five words\n[dims]\n"), ("points = 1\n", "points = 1   # easy\n")),
    "number and quote spelling": (("rtol = 1e-5", "rtol = 0.00001"), ('module = "ner_window"', "module = 'ner_window'")),
    "a value written at its default": (("[cases]\n", "[cases]\npublic_seed = 0\n"),),
    "a table moved": (("[tolerance]\nrtol = 1e-5\natol = 1e-7\n\n", ""),
                      ("[dims]\n", "[tolerance]\nrtol = 1e-5\natol = 1e-7\n\n[dims]\n")),
}

# edits that change what the spec says: public.json no longer fits it
OTHER_MEANING = {
    "points": (("points = 1\n", "points = 2\n"),),
    "the sizes of a dimension": (("H = [7, 8]", "H = [7, 10]"),),
    "how an argument is drawn": (('{ name = "W", shape = ["H", "D"], sample = { kind = "normal", std = 0.5 } }',
                                  '{ name = "W", shape = ["H", "D"], sample = { kind = "normal", std = 0.4 } }'),),
    "the order of the dimensions, which decides the sizes drawn": (
        ("N = [6, 9]       # windows in a batch\nd = [3, 4]       # word-vector size\n",
         "d = [3, 4]\nN = [6, 9]\n"),),
}


def self_check(tmp_path, folder):
    write_submission(tmp_path / "ner_window.py", correct_source())
    return run_cli("self-check", "ner_window.py", "--assignment", folder, cwd=tmp_path)


def handout(tmp_path, edits=()):
    return copy_assignment(tmp_path / "ner_window", without=("reference.py",), toml_edits=edits)


@pytest.mark.parametrize("edit", sorted(SAME_MEANING))
def test_a_spec_that_reads_differently_but_means_the_same_is_accepted(tmp_path, edit):
    run = self_check(tmp_path, handout(tmp_path, SAME_MEANING[edit]))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Score on the public checks: 13/13; every check passed" in run.stdout


def test_crlf_line_endings_are_accepted(tmp_path):
    """git's autocrlf on Windows checks the spec out with CRLF line endings."""
    folder = handout(tmp_path)
    spec = folder / "assignment.toml"
    spec.write_bytes(spec.read_bytes().replace(b"\n", b"\r\n"))
    assert b"\r\n" in spec.read_bytes()
    run = self_check(tmp_path, folder)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "every check passed" in run.stdout


@pytest.mark.parametrize("edit", sorted(OTHER_MEANING))
def test_a_spec_that_means_something_else_is_refused(tmp_path, edit):
    folder = handout(tmp_path, OTHER_MEANING[edit])
    run = self_check(tmp_path, folder)
    assert run.returncode == 2, run.stdout + run.stderr
    assert STALE in run.stderr and f"grade publish {folder}" in run.stderr
    assert "Traceback" not in run.stderr
