"""Every command that writes checks where it writes before it does any
work: a file where a folder is due, a folder where a file is due, a link to
nothing or a loop of links exits 2 with a message naming the option, and
`grade` grades nobody first."""
from __future__ import annotations

import os

import pytest

from conftest import ROOT

JACOBIANS = ROOT / "submissions" / "jacobians"


@pytest.fixture
def spots(tmp_path):
    """Paths that cannot be a folder: a file, a FIFO, a link to nothing, a loop of links."""
    (tmp_path / "file").write_text("not a folder\n")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    return tmp_path


NOT_A_FOLDER = {"file": "not a folder", "fifo": "not a folder", "dangling": "a link to nothing",
                "loop1": "Too many levels of symbolic links", "file/x": "file is not a folder"}


@pytest.mark.parametrize("out", sorted(NOT_A_FOLDER))
@pytest.mark.parametrize("options", [[], ["--no-similarity"], ["--format", "csv"]])
def test_grade_refuses_an_out_that_cannot_be_a_folder_before_grading(cli, spots, out, options):
    run = cli("grade", JACOBIANS, "--out", spots / out, *options)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"error: --out {spots / out}: ")
    assert NOT_A_FOLDER[out] in run.stderr
    assert "Traceback" not in run.stderr
    assert "jacobians/alan" not in run.stdout + run.stderr   # nobody was graded (and scored 0, unsaved)


def test_grade_refuses_a_file_where_the_assignments_folder_goes(cli, tmp_path):
    (tmp_path / "jacobians").write_text("")
    run = cli("grade", JACOBIANS, "--out", tmp_path)
    assert run.returncode == 2
    assert f"error: --out {tmp_path / 'jacobians'}: not a folder" in run.stderr
    assert "jacobians/alan" not in run.stdout


def test_grade_still_writes_into_a_new_folder(cli, tmp_path):
    run = cli("grade", JACOBIANS, "--out", tmp_path / "new" / "reports", "-q")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "new" / "reports" / "jacobians" / "grades.json").is_file()


COMMANDS = {
    "merge": (["merge", "s1", "s2", "--out", "{file}"], "--out {file}: not a folder"),
    "export into a folder": (["export", "--to", "canvas", "reports", "--out", "{folder}"],
                             "--out {folder}: a folder, not a file"),
    "export under a file": (["export", "--to", "canvas", "reports", "--out", "{file}/x.csv"],
                            "--out {file}/x.csv: {file} is not a folder"),
    "handout": (["handout", "jacobians", "--out", "{file}"], "--out {file}: not a folder"),
    "handout under a file": (["handout", "jacobians", "--out", "{file}/x"], "--out {file}/x: {file} is not a folder"),
    "autograder zip": (["handout", "jacobians", "--gradescope", "--out", "{file}/x"],
                       "--out {file}/x: {file} is not a folder"),
    "starter": (["starter", "jacobians", "--out", "{file}/x.py"], "--out {file}/x.py: {file} is not a folder"),
    "starter over a folder": (["starter", "jacobians", "--force", "--out", "{folder}"],
                              "--out {folder}: a folder, not a file"),
    "new": (["new", "x", "--root", "{file}"], "--root {file}: not a folder"),
    "collect": (["collect", "repositories.csv", "--deadline", "2027-03-14T23:00:00Z", "--into", "{file}"],
                "--into {file}: not a folder"),
}


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_each_command_refuses_an_output_it_cannot_write(cli, tmp_path, case):
    (tmp_path / "file").write_text("kept\n")
    (tmp_path / "folder").mkdir()
    args, message = COMMANDS[case]
    paths = {"file": tmp_path / "file", "folder": tmp_path / "folder"}
    run = cli("grade", *[a.format(**paths) for a in args], cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"error: {message.format(**paths)}") and run.stderr.count("\n") == 1, run.stderr
    assert (tmp_path / "file").read_text() == "kept\n" and (tmp_path / "folder").is_dir()


def test_export_over_a_folder_leaves_it(cli, tmp_path):
    run = cli("grade", "export", "--to", "csv", JACOBIANS, "--out", tmp_path)
    assert run.returncode == 2 and "a folder, not a file" in run.stderr
    assert tmp_path.is_dir()


@pytest.mark.parametrize("command", ["gradescope", "prairielearn"])
@pytest.mark.parametrize("where", ["root", "results"])
def test_autograders_say_no_results_file_can_be_written(cli, tmp_path, command, where):
    (tmp_path / "results").write_text("")   # where ROOT/results/ should be
    args = ["--results", tmp_path / "results" / "x.json"] if where == "results" else []
    run = cli("grade", command, "--assignment", "jacobians", "--root", tmp_path, *args)
    assert run.returncode == 2
    assert run.stderr.startswith("error: no results.json can be written: ")
    assert f"{tmp_path / 'results'} is not a folder" in run.stderr
    assert "Traceback" not in run.stderr and not run.stdout
