"""What `grade` prints, as a user reads it: a closing line that names the
files the run wrote, and nothing it did not; every command in --help; one
line per assignment with -q; and no traceback when the reader of its
output leaves early."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import CLI_TIMEOUT, ROOT, Grades, cli_command, cli_env


def closing_line(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if line.startswith("Reports")]
    assert len(lines) == 1, stdout
    return lines[0]


def named_files(line: str, folder: Path) -> list[Path]:
    """The files a closing line names, the counted pages and subfolders left out."""
    names = line.split(": ", 1)[1]
    return [folder / re.sub(r" \(.*\)$", "", name) for name in names.split(", ")]


def test_the_closing_line_names_the_default_reports(graded):
    line = closing_line(graded.result.stdout)
    assert line == (f"Reports in {graded.folder}: index.html (and {len(graded.grades.students)} student pages), "
                    "grades.json, grades.csv")
    assert all(path.is_file() for path in named_files(line, graded.folder))


def test_the_closing_line_names_only_the_formats_written(cli, tmp_path):
    run = cli("grade", "submissions/ner_window", "--format", "junit", "--format", "github", "--out", tmp_path,
              env={"GITHUB_STEP_SUMMARY": "", "GITHUB_OUTPUT": ""})
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "ner_window"
    assert closing_line(run.stdout) == f"Reports in {folder}: junit.xml, summary.md"
    assert sorted(p.name for p in folder.iterdir()) == ["junit.xml", "results", "summary.md"]


def test_the_closing_line_counts_gradescope_files_and_names_a_shards_manifest(cli, tmp_path):
    run = cli("grade", "submissions/ner_window", "--format", "gradescope", "--shard", "1/2", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "ner_window"
    shard = len(Grades.load(folder / "grades.json").students)
    assert closing_line(run.stdout) == (f"Reports in {folder}: gradescope/ ({shard} files), grades.json, "
                                        "shard.json")
    assert len(list((folder / "gradescope").iterdir())) == shard
    assert (folder / "grades.json").is_file() and (folder / "shard.json").is_file()


def test_help_lists_every_command_and_each_has_its_own_help(cli):
    from grader.cli.commands import COMMAND_MAINS

    run = cli("grade", "--help")
    assert run.returncode == 0, run.stderr
    listed = run.stdout.split("other commands")[1]
    for name in COMMAND_MAINS:
        assert re.search(rf"^  grade {name}\b.*\S", listed, re.MULTILINE), f"grade --help does not list {name}"
        own = cli("grade", name, "--help")
        assert own.returncode == 0 and own.stdout.startswith(f"usage: grade {name}"), own.stdout + own.stderr


def test_quiet_prints_one_line_per_assignment(cli, graded, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(graded.out, out)   # the saved results: nothing is graded again
    run = cli("grade", "submissions/ner_window", "-q", "--out", out)
    assert run.returncode == 0, run.stderr
    scores = [s["score"] for s in graded.grades.data["submissions"]]
    assert run.stdout.splitlines() == [
        f"ner_window: {len(scores)} submissions, mean score {round(sum(scores) / len(scores), 2):g}/13",
        f"Reports in {out / 'ner_window'}: index.html (and {len(scores)} student pages), grades.json, grades.csv"]
    assert run.stderr == ""


def test_a_reader_that_stops_reading_ends_neither_the_run_nor_in_a_traceback(tmp_path):
    """`grade submissions/ | head`: the pipe closes before grade has printed;
    every assignment is still graded and reported, and the exit code is 0."""
    subs = tmp_path / "subs"
    for assignment, students in {"jacobians": ["alan"], "ner_window": ["ada", "sign_flipped"]}.items():
        (subs / assignment).mkdir(parents=True)
        for student in students:
            shutil.copy(ROOT / "submissions" / assignment / f"{student}.py", subs / assignment)
    read, write = os.pipe()
    os.close(read)   # no reader: grade's first write to stdout meets a closed pipe
    try:
        done = subprocess.run(cli_command("grade", subs, "--out", tmp_path / "out"), stdout=write,
                              stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=ROOT, timeout=CLI_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert Grades.load(tmp_path / "out" / "jacobians" / "grades.json").students == ["alan"]
    assert Grades.load(tmp_path / "out" / "ner_window" / "grades.json").students == ["ada", "sign_flipped"]
