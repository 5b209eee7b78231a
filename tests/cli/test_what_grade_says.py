"""What `grade` prints, as a user reads it: a closing line that names the
files the run wrote, and nothing it did not."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import Grades


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
