"""The late policy applied end to end from each clock a submission's time
can come from, each time through the command line on real files: the file's
modification time, the commit checked out in a student's git folder (whose
own configuration must run nothing), the commit `grade collect` recorded in
collection.json, and Gradescope's submission time."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from conftest import ASSIGNMENT, SUBMISSIONS
from ways_in import autograder, check_gradescope_fields, results

DUE = "2026-12-01T23:59:00-05:00"
POLICY = f"""
[late]
due = {DUE}
per = "day"
penalty = 10
cap = 25
grace = "15 minutes"

[late.extensions]
ext = "2 days"
"""


def stamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def submissions(tmp_path: Path, files: dict[str, str], policy: str = POLICY) -> Path:
    """A batch folder: each student's copy of ada.py (13/13), its modification time as given."""
    folder = tmp_path / "ner_window"
    folder.mkdir()
    for student, when in files.items():
        shutil.copy(SUBMISSIONS / "ada.py", folder / f"{student}.py")
        os.utime(folder / f"{student}.py", (stamp(when), stamp(when)))
    (folder / "adjustments.toml").write_text(policy, encoding="utf-8")
    return folder


def graded(cli, folder: Path, out: Path) -> dict:
    run = cli("grade", folder, "--out", out)
    assert run.returncode == 0, run.stderr
    data = json.loads((out / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    return {s["student"]: s for s in data["submissions"]}


def test_late_penalty_from_the_file_time(cli, tmp_path):
    folder = submissions(tmp_path, {
        "early": "2026-12-01T20:00:00-05:00",
        "grace": "2026-12-02T00:10:00-05:00",        # 11 minutes late: within the grace period
        "late": "2026-12-03T02:04:00-05:00",         # 26 h 5 min: two started days
        "very_late": "2026-12-09T12:00:00+00:00",    # seven days: capped at 25 %
        "ext": "2026-12-03T02:04:00-05:00",          # on time, with two days more
    })
    g = graded(cli, folder, tmp_path / "out")
    assert {s: g[s]["late"]["source"] for s in g} == dict.fromkeys(g, "file")
    assert g["early"]["late"]["seconds_late"] == 0 and g["early"]["score"] == 13
    assert g["grace"]["late"]["grace"] is True and g["grace"]["score"] == 13
    late = g["late"]["late"]
    assert (late["units"], late["penalty"], late["points"]) == (2, 20, 2.6)
    assert g["late"]["score"] == g["late"]["final_score"] == 13 - 2.6 and g["late"]["grader_score"] == 13
    assert g["very_late"]["late"]["capped"] is True and g["very_late"]["score"] == 13 * 0.75
    assert g["ext"]["late"]["due"] == "2026-12-03T23:59:00-05:00" and g["ext"]["score"] == 13
    assert g["ext"]["late"]["extended_from"] == DUE

    with open(tmp_path / "out" / "ner_window" / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {row[0]: row for row in csv.reader(f)}
    assert rows["late"] == ["late", "10.4", "13", "1", "2", "1", "4", "5", "13", "0", "2.6",
                            "2026-12-03T02:04:00-05:00", "file", "submitted 26 h 5 min late (file time; due "
                            "2026-12-01 23:59 -05:00); 2 days × 10 % = 20 %, \u22122.6 points"]


def git(folder: Path, *args: str, env: dict | None = None) -> None:
    subprocess.run(["git", "-c", "user.name=Student", "-c", "user.email=s@example.edu", *args], cwd=folder,
                   check=True, capture_output=True, env={**os.environ, **(env or {})})


def checkout(folder: Path, committed: str) -> Path:
    """A student's folder that is a git checkout of its own, its one commit made at `committed`."""
    folder.mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "ada.py", folder / "ner_window.py")
    git(folder, "init", "-q")
    git(folder, "add", "ner_window.py")
    git(folder, "commit", "-qm", "my work", env={"GIT_COMMITTER_DATE": committed, "GIT_AUTHOR_DATE": committed})
    return folder


def test_late_penalty_from_the_commit_time_of_a_checkout(cli, tmp_path):
    folder = submissions(tmp_path, {})
    # committed late, though the file was touched (copied, unpacked) before the due date
    bob = checkout(folder / "bob", "2026-12-03T02:04:00-05:00")
    os.utime(bob / "ner_window.py", (stamp("2026-12-01T12:00:00-05:00"),) * 2)
    g = graded(cli, folder, tmp_path / "out")
    late = g["bob"]["late"]
    assert late["source"] == "commit" and late["submitted_at"] == "2026-12-03T02:04:00-05:00"
    assert late["points"] == 2.6 and g["bob"]["score"] == 10.4


def test_a_hostile_git_config_runs_nothing(cli, tmp_path):
    folder = submissions(tmp_path, {})
    mallory = checkout(folder / "mallory", "2026-12-01T22:00:00-05:00")
    witness = tmp_path / "witness"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {witness}-$1\n", encoding="utf-8")
    script.chmod(0o755)
    with open(mallory / ".git" / "config", "a", encoding="utf-8") as config:
        config.write(f"[core]\n\tfsmonitor = {script}\n\tpager = {script} pager\n\thooksPath = {tmp_path}\n"
                     f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {script} gpg\n"
                     f"[diff]\n\texternal = {script} diff\n")
    g = graded(cli, folder, tmp_path / "out")
    assert g["mallory"]["late"]["source"] == "commit" and g["mallory"]["score"] == 13
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("witness")) == []
    # the same configuration does run a program for an ordinary git command
    subprocess.run(["git", "status"], cwd=mallory, capture_output=True)
    assert any(p.name.startswith("witness") for p in tmp_path.iterdir())


def test_late_penalty_from_the_commit_grade_collect_recorded(cli, tmp_path):
    folder = submissions(tmp_path, {"carol": "2026-12-01T12:00:00-05:00", "dan": "2026-12-03T02:04:00-05:00"})
    (folder / "collection.json").write_text(json.dumps({
        "deadline": DUE, "collected_at": "2026-12-05T00:00:00Z",
        "not_collected": [{"submission": "dan", "repository": "course/hw3-dan", "problem": "no such repository"}],
        "submissions": [{"submission": "carol", "repository": "course/hw3-carol", "commit": "0" * 40,
                         "committed_at": "2026-12-04T05:00:00Z", "collected_at": "2026-12-05T00:00:00Z",
                         "deadline": DUE, "commits_after_deadline": 0, "branch": "main"}]}), encoding="utf-8")
    g = graded(cli, folder, tmp_path / "out")
    carol = g["carol"]["late"]
    assert carol["source"] == "collection" and carol["submitted_at"] == "2026-12-04T00:00:00-05:00"
    assert (carol["units"], carol["penalty"], carol["capped"]) == (3, 25, True)
    assert g["dan"]["late"]["source"] == "file"   # not in collection.json: the next clock

    # a collection.json that cannot be read is said, and the next clocks are used
    (folder / "collection.json").write_text("{not json", encoding="utf-8")
    run = cli("grade", folder, "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "collection.json cannot be read" in run.stderr
    assert "the times come from the commits and files instead" in run.stderr


def test_late_penalty_from_gradescope_submission_time(cli, tmp_path):
    assignment = tmp_path / "ner_window"
    shutil.copytree(ASSIGNMENT, assignment, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    # no due date here: Gradescope's own is taken
    (assignment / "adjustments.toml").write_text('[late]\nper = "hour"\npenalty = 1\nunit = "points"\n',
                                                 encoding="utf-8")
    root = autograder(tmp_path / "autograder", {"ner_window.py": SUBMISSIONS / "ada.py"}, {
        "id": 7, "created_at": "2026-12-02T02:30:00.000000-05:00", "users": [{"email": "ada@example.edu"}],
        "assignment": {"due_date": "2026-12-01T23:59:00.000000-05:00", "late_due_date": None}})
    run = cli("grade", "gradescope", "--assignment", assignment, "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == 13 - 3   # 2 h 31 min late: three started hours, a point each
    assert sum(t["score"] for t in data["tests"] if "score" in t) == 13   # the grader's points, by function
    assert ("Late policy: submitted 2 h 31 min late (Gradescope's submission time; due 2026-12-01 23:59 -05:00); "
            "3 hours × 1 point = 3 points, \u22123 points") in data["output"]
    assert "Final score: 10/13" in data["output"]
