"""`grade <one student's file>` as an instructor uses it on a regrade
request: the run replays that student's recorded hidden cases, writes its
reports beside the class's, under replays/, and leaves every byte of the
class's reports and saved results as it was. A seed is any whole number
from 0 up, and every command that takes one refuses a negative one."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import Grades


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` and the digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def comparable(sub: dict) -> list:
    return [(f["name"], f["score"], [(c["name"], c["status"], c["message"], c["diagnosis"]) for c in f["checks"]])
            for f in sub["functions"]]


def test_replaying_one_student_leaves_the_class_reports_as_they_were(cli, graded, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(graded.out, out)
    before = snapshot(out)
    run = cli("grade", "submissions/ner_window/ada.py", "--seed", "2718281", "--out", out)   # README's example
    assert run.returncode == 0, run.stderr

    after = snapshot(out)
    assert {name: digest for name, digest in after.items() if name in before} == before
    replay = out / "ner_window" / "replays" / "ada-seed-2718281"
    assert {Path(name).parent for name in set(after) - set(before)} == {replay.relative_to(out),
                                                                       replay.relative_to(out) / "results"}
    assert sorted(p.name for p in replay.iterdir()) == ["ada.html", "grades.csv", "grades.json", "index.html",
                                                         "pages.json", "results"]
    [ada] = Grades.load(replay / "grades.json").data["submissions"]
    assert (ada["student"], ada["seed"], ada["score"]) == ("ada", 2718281, 13)
    assert graded.grades.students == Grades.load(out / "ner_window" / "grades.json").students
    assert (f"Reports in {replay}: index.html (and 1 student page), grades.json, grades.csv\n"
            f"(one file: the class's reports in {out / 'ner_window'} are unchanged)") in run.stdout


def test_a_replay_without_a_seed_takes_the_recorded_one_and_replays_every_check(cli, grades, tmp_path):
    recorded = grades.submission("sign_flipped")
    run = cli("grade", "submissions/ner_window/sign_flipped.py", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    replay = Grades.load(tmp_path / "ner_window" / "replays" / f"sign_flipped-seed-{recorded['seed']}" / "grades.json")
    assert replay.students == ["sign_flipped"]
    again = replay.submission("sign_flipped")
    assert again["seed"] == recorded["seed"]
    assert again["score"] == recorded["score"]
    assert comparable(again) == comparable(recorded)
    assert not (tmp_path / "ner_window" / "grades.json").exists()


def test_another_seed_draws_other_hidden_cases_in_a_folder_of_its_own(cli, grades, tmp_path):
    recorded = grades.submission("sign_flipped")
    seeds = (recorded["seed"], recorded["seed"] + 1)
    for seed in seeds:
        run = cli("grade", "submissions/ner_window/sign_flipped.py", "--seed", seed, "--out", tmp_path)
        assert run.returncode == 0, run.stderr
    same, other = (Grades.load(tmp_path / "ner_window" / "replays" / f"sign_flipped-seed-{seed}" / "grades.json")
                   .submission("sign_flipped") for seed in seeds)

    def messages(sub, hidden):
        return [c["message"] for f in sub["functions"] for c in f["checks"] if c["name"].endswith("(hidden)") == hidden]

    assert comparable(same) == comparable(recorded)
    assert messages(other, hidden=False) == messages(recorded, hidden=False)  # public cases are shared
    assert messages(other, hidden=True) != messages(recorded, hidden=True)
    assert other["score"] == recorded["score"]  # the mistake shows on any cases


def test_one_file_cannot_be_sharded(cli, tmp_path):
    run = cli("grade", "submissions/ner_window/ada.py", "--shard", "1/2", "--out", tmp_path)
    assert run.returncode == 2
    assert "--shard splits a folder of submissions; this is one file" in run.stderr
    assert not any(tmp_path.iterdir())


SEEDED_COMMANDS = {
    "grade DIR": ["submissions/jacobians", "--out", "out"],
    "grade FILE": ["submissions/jacobians/alan.py", "--out", "out"],
    "grade gradescope": ["gradescope", "--assignment", "jacobians", "--root", "nowhere"],
    "grade prairielearn": ["prairielearn", "--assignment", "jacobians", "--root", "nowhere"],
}


@pytest.mark.parametrize("command", sorted(SEEDED_COMMANDS))
def test_a_negative_seed_is_a_usage_error_of_every_command(cli, tmp_path, command):
    run = cli("grade", *SEEDED_COMMANDS[command], "--seed", "-5", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "error: argument --seed: -5 is negative; a seed is a whole number from 0 up" in run.stderr
    assert "Traceback" not in run.stderr
    assert not any(tmp_path.iterdir())


def test_a_seed_beyond_64_bits_replays_like_any_other(cli, tmp_path):
    seed = str(2 ** 70)
    run = cli("grade", "submissions/jacobians/alan.py", "--seed", seed, "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    [alan] = Grades.load(tmp_path / "jacobians" / "replays" / f"alan-seed-{seed}" / "grades.json").data["submissions"]
    assert alan["seed"] == 2 ** 70 and alan["score"] == alan["max_score"]
