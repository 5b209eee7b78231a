"""Scale-out: `grade --shard K/N` on each of N "machines" (separate --out
folders), then `grade merge`, gives the reports the single run of the
session's `graded` fixture wrote: grades.json byte for byte apart from the
timings, grades.csv and the class page exactly. Shard 1 grades its share
from scratch; to keep the suite fast the others start from the results the
single run saved, as a rerun on the same machine would."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from grader.cli import commands
from grader.sandbox import fork_server
from grader.cases.discover import Batch
from grader.batch.shards import Shard

N = 3


def without_timings(text: str) -> str:
    return re.sub(r'"seconds": [0-9.eE+-]+', '"seconds": 0', text)


def saved_results(graded, out: Path) -> None:
    shutil.copytree(graded.folder / "results", out / "ner_window" / "results")


@pytest.fixture(scope="module")
def shards(cli, graded, tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("shards")
    outs = []
    for k in range(1, N + 1):
        out = root / f"shard-{k}"
        if k > 1:
            saved_results(graded, out)
        run = cli("grade", "submissions/ner_window", "--shard", f"{k}/{N}", "--out", out, "-q")
        assert run.returncode == 0, run.stderr
        outs.append(out)
    return outs


def test_shards_split_the_class_deterministically_and_without_overlap(shards, graded):
    everyone = graded.grades.students
    graded_by = []
    for k, out in enumerate(shards, 1):
        manifest = json.loads((out / "ner_window" / "shard.json").read_text(encoding="utf-8"))
        assert manifest["shard"] == f"{k}/{N}" and manifest["students"] == everyone
        assert manifest["graded"] == everyone[k - 1::N]
        grades = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
        assert [s["student"] for s in grades["submissions"]] == manifest["graded"]
        graded_by += manifest["graded"]
    assert sorted(graded_by) == sorted(everyone)


def test_merged_reports_equal_a_single_runs(cli, shards, graded, tmp_path):
    merged = tmp_path / "merged"
    # any order of the shard folders gives the same reports
    run = cli("grade", "merge", *reversed(shards), "--out", merged)
    assert run.returncode == 0, run.stderr
    assert f"ner_window: {len(graded.grades.students)} submissions" in run.stdout

    single, combined = graded.folder, merged / "ner_window"
    a = (single / "grades.json").read_text(encoding="utf-8")
    b = (combined / "grades.json").read_text(encoding="utf-8")
    assert without_timings(a) == without_timings(b)
    assert a != without_timings(a), "the timings this test ignores are there"
    fresh = json.loads((shards[0] / "ner_window" / "grades.json").read_text(encoding="utf-8"))["submissions"]
    assert fresh and all(s["seconds"] > 0 for s in fresh)
    for name in ("grades.csv", "index.html"):
        assert (single / name).read_bytes() == (combined / name).read_bytes(), name
    assert sorted(p.name for p in combined.glob("*.html")) == sorted(p.name for p in single.glob("*.html"))


def test_merge_accepts_assignment_folders_and_writes_the_formats_asked_for(cli, shards, tmp_path):
    run = cli("grade", "merge", *(out / "ner_window" for out in shards), "--out", tmp_path, "--format", "junit",
              "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "ner_window").iterdir()) == ["grades.csv", "junit.xml"]


def test_merge_refuses_a_missing_shard(cli, shards, tmp_path):
    run = cli("grade", "merge", shards[0], shards[2], "--out", tmp_path)
    assert run.returncode == 2
    assert f"ner_window: shard 2/{N} missing" in run.stderr
    assert not (tmp_path / "ner_window").exists()


def test_merge_refuses_shards_of_different_splits(cli, shards, graded, tmp_path):
    other = tmp_path / "other"
    saved_results(graded, other)
    run = cli("grade", "submissions/ner_window", "--shard", "1/5", "--out", other, "-q", "--format", "json")
    assert run.returncode == 0, run.stderr
    run = cli("grade", "merge", other, *shards[1:], "--out", tmp_path / "m")
    assert run.returncode == 2 and "shards of different runs" in run.stderr


def test_merge_of_a_folder_that_is_not_a_shard_says_so(cli, graded, tmp_path):
    run = cli("grade", "merge", graded.out, "--out", tmp_path)
    assert run.returncode == 2 and "is it the --out folder of grade --shard K/N?" in run.stderr


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_a_bad_shard_is_a_usage_error(cli, text):
    run = cli("grade", "submissions/ner_window", "--shard", text)
    assert run.returncode == 2 and "--shard" in run.stderr


def test_a_shard_may_be_empty():
    batch = Batch(assignment=None, submissions=["a", "b"])
    assert Shard(3, 4).select(batch).submissions == []
    assert [Shard(k, 2).select(batch).submissions for k in (1, 2)] == [["a"], ["b"]]


def test_the_fork_server_is_retired_once_a_shards_grading_is_done(monkeypatch, tmp_path):
    """As after a whole class: no student process is needed for the reports."""
    retired = []
    monkeypatch.setattr(fork_server, "retire", lambda: retired.append(True))
    monkeypatch.setenv("BACKPROP_GRADER_ASSIGNMENTS", str(ROOT / "assignments"))
    argv = [str(ROOT / "submissions" / "ner_window"), "--shard", f"1/{N}", "--out", str(tmp_path), "-q"]
    assert commands.grade_main(argv) == 0
    assert retired == [True]


def test_merge_of_a_shard_whose_grades_json_is_cut_short_says_so(cli, shards, tmp_path):
    cut = tmp_path / "cut"
    shutil.copytree(shards[1], cut, ignore=shutil.ignore_patterns("results"))
    grades = cut / "ner_window" / "grades.json"
    grades.write_bytes(grades.read_bytes()[:len(grades.read_bytes()) // 2])
    run = cli("grade", "merge", shards[0], cut, *shards[2:], "--out", tmp_path / "m")
    assert run.returncode == 2, run.stderr
    assert "not a shard's report folder" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "m" / "ner_window").exists()
