"""`grade collect` on real git repositories, with commits before and after
the deadline, then `grade` on what it collected: each student's commit at
the deadline, the record in collection.json, the commit in grades.json."""
from __future__ import annotations

import json
import os

import pytest

from conftest import CORRECT, MAX_SCORE, SUBMISSIONS, run_cli
from student_repos import AFTER, BEFORE, DEADLINE, commit, git, new_repo, repositories_csv

TRANSPOSED = SUBMISSIONS / "transposed_dw.py"
ENTRY_FIELDS = {"submission", "repository", "commit", "committed_at", "collected_at", "deadline",
                "commits_after_deadline", "branch", "notes"}


@pytest.fixture(scope="module")
def class_(tmp_path_factory):
    """Six students' repositories collected at the deadline, then graded."""
    tmp = tmp_path_factory.mktemp("collect")
    students = tmp / "students"
    shas = {}
    ada = new_repo(students / "ada")
    shas["ada"] = commit(ada, {"ner_window.py": CORRECT.read_text(encoding="utf-8")}, BEFORE)
    shas["ada late"] = commit(ada, {"ner_window.py": TRANSPOSED.read_text(encoding="utf-8")}, AFTER)
    bob = new_repo(students / "bob")   # in a subfolder, committed from a machine five hours ahead of UTC
    shas["bob"] = commit(bob, {"hw/ner_window.py": TRANSPOSED.read_text(encoding="utf-8"), "README.md": "hw 3"},
                         "2025-03-15T03:30:00+05:00")
    carl = new_repo(students / "carl")
    commit(carl, {"ner_window.py": CORRECT.read_text(encoding="utf-8")}, AFTER)   # only after the deadline
    new_repo(students / "eve")                                                   # never committed
    fay = new_repo(students / "fay", branch="trunk")
    shas["fay"] = commit(fay, {"ner_window.py": CORRECT.read_text(encoding="utf-8")}, BEFORE)
    listed = repositories_csv(tmp / "repositories.csv", {
        "ada": "students/ada", "bob": str(bob), "carl": "students/carl", "dan": "students/dan",
        "eve": "students/eve", "fay": "students/fay", "../ada": "students/ada"})
    into = tmp / "submissions" / "ner_window"
    collected = run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", into)
    (into / "zed.py").write_text(CORRECT.read_text(encoding="utf-8"), encoding="utf-8")   # handed in otherwise
    graded = run_cli("grade", into, "--out", tmp / "reports", "-j", "1")
    return tmp, shas, collected, graded


def record(tmp) -> dict:
    return json.loads((tmp / "submissions" / "ner_window" / "collection.json").read_text(encoding="utf-8"))


def test_each_student_is_collected_at_their_newest_commit_at_or_before_the_deadline(class_):
    tmp, shas, collected, _ = class_
    assert collected.returncode == 0, collected.stderr
    lines = collected.stdout.splitlines()
    assert f"ada: {shas['ada'][:12]} of {BEFORE} on main; 1 later commit left out" in lines
    assert f"bob: {shas['bob'][:12]} of 2025-03-15T03:30:00+05:00 on main" in lines
    assert f"fay: {shas['fay'][:12]} of {BEFORE} on trunk" in lines
    assert lines[-1] == (f"wrote {tmp}/submissions/ner_window/collection.json: 3 of 7 repositories collected "
                         f"at the deadline {DEADLINE}")
    into = tmp / "submissions" / "ner_window"
    assert (into / "ada" / "ner_window.py").read_text(encoding="utf-8") == CORRECT.read_text(encoding="utf-8")
    assert sorted(p.relative_to(into / "bob").as_posix() for p in (into / "bob").rglob("*")) == [
        "README.md", "hw", "hw/ner_window.py"]   # the tree alone: no .git
    assert sorted(p.name for p in into.iterdir()) == ["ada", "bob", "collection.json", "fay", "zed.py"]


def test_a_repository_that_cannot_be_collected_is_said_and_the_others_are_collected(class_):
    tmp, _, collected, _ = class_
    problems = {line.split(" (", 1)[0].removeprefix("not collected: "): line
                for line in collected.stderr.splitlines() if line.startswith("not collected: ") and " (" in line}
    assert set(problems) == {"carl", "dan", "eve", "../ada"}
    assert problems["carl"].endswith(f"no commit on main at or before the deadline ({DEADLINE}): its one commit "
                                     f"is of {AFTER}")
    assert f"{tmp}/students/dan' does not appear to be a git repository" in problems["dan"]
    assert "): the repository has no commits" in problems["eve"]
    assert problems["../ada"].endswith("a submission's name is a folder's name: no /, \\, . or ..")
    assert "not collected: ../ada, carl, dan, eve" in collected.stderr.splitlines()


def test_collection_json_records_every_commit_and_its_time(class_):
    tmp, shas, _, _ = class_
    data = record(tmp)
    assert data["deadline"] == DEADLINE
    entries = {e["submission"]: e for e in data["submissions"]}
    assert list(entries) == ["ada", "bob", "fay"]
    for name, entry in entries.items():
        assert set(entry) == ENTRY_FIELDS
        assert entry["commit"] == shas[name] and entry["deadline"] == DEADLINE and entry["notes"] == []
        assert entry["collected_at"] >= data["collected_at"]
    assert (entries["ada"]["committed_at"], entries["ada"]["commits_after_deadline"]) == (BEFORE, 1)
    assert entries["ada"]["repository"] == "students/ada"      # as the list gives it
    assert (entries["bob"]["committed_at"], entries["bob"]["commits_after_deadline"]) == ("2025-03-15T03:30:00+05:00", 0)
    assert entries["fay"]["branch"] == "trunk"
    assert sorted(e["submission"] for e in data["not_collected"]) == ["../ada", "carl", "dan", "eve"]
    assert all(set(e) == {"submission", "repository", "problem"} for e in data["not_collected"])


def test_grading_the_collection_records_each_commit_in_the_results(class_):
    tmp, shas, _, graded = class_
    assert graded.returncode == 0, graded.stderr
    assert "collection.json" not in graded.stderr    # read, not listed as a file skipped
    grades = {s["student"]: s for s in json.loads(
        (tmp / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))["submissions"]}
    assert list(grades) == ["ada", "bob", "fay", "zed"]
    assert (grades["ada"]["score"], grades["ada"]["commit"], grades["ada"]["committed_at"]) == (
        MAX_SCORE, shas["ada"], BEFORE)
    assert (grades["bob"]["score"], grades["bob"]["commit"]) == (MAX_SCORE - 1, shas["bob"])
    assert grades["bob"]["path"].endswith("ner_window/bob/hw/ner_window.py")
    assert (grades["zed"]["commit"], grades["zed"]["committed_at"]) == (None, None)   # not collected from git


def test_a_collection_after_the_deadline_is_final_until_forced(tmp_path):
    """A commit pushed after the collection, dated before the deadline (a
    forged date), is not collected by a second run; --force collects it."""
    ada = new_repo(tmp_path / "ada")
    first = commit(ada, {"ner_window.py": "# first\n"}, BEFORE)
    listed = repositories_csv(tmp_path / "repositories.csv", {"ada": str(ada)})
    into = tmp_path / "ner_window"
    assert run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", into).returncode == 0
    forged = commit(ada, {"ner_window.py": "# pushed later\n"}, "2025-03-14T22:59:00+00:00")

    again = run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", into)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"ada: kept {first[:12]}, collected at ")
    assert (into / "ada" / "ner_window.py").read_text(encoding="utf-8") == "# first\n"
    assert record_of(into)["ada"]["commit"] == first

    forced = run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", into, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (into / "ada" / "ner_window.py").read_text(encoding="utf-8") == "# pushed later\n"
    assert record_of(into)["ada"]["commit"] == forged


def test_a_later_deadline_for_one_student_replaces_their_entry_alone(tmp_path):
    ada, bob = new_repo(tmp_path / "ada"), new_repo(tmp_path / "bob")
    commit(ada, {"ner_window.py": "# on time\n"}, BEFORE)
    late = commit(ada, {"ner_window.py": "# with an extension\n"}, AFTER)
    bobs = commit(bob, {"ner_window.py": "# bob\n"}, BEFORE)
    into = tmp_path / "ner_window"
    both = repositories_csv(tmp_path / "all.csv", {"ada": str(ada), "bob": str(bob)})
    assert run_cli("grade", "collect", both, "--deadline", DEADLINE, "--into", into).returncode == 0
    extension = "2025-03-16T23:00:00+00:00"
    one = repositories_csv(tmp_path / "ada.csv", {"ada": str(ada)})
    assert run_cli("grade", "collect", one, "--deadline", extension, "--into", into).returncode == 0
    entries = record_of(into)
    assert (entries["ada"]["commit"], entries["ada"]["deadline"]) == (late, extension)
    assert (entries["bob"]["commit"], entries["bob"]["deadline"]) == (bobs, DEADLINE)


def test_a_long_history_after_the_deadline_is_walked_back(tmp_path):
    """More commits after the deadline than the first fetches bring: the
    fetch goes deeper until it reaches the deadline."""
    ada = new_repo(tmp_path / "ada")
    on_time = commit(ada, {"ner_window.py": "# on time\n"}, BEFORE)
    for n in range(120):
        git(ada, "commit", "--quiet", "--allow-empty", "-m", f"later {n}", when=f"2025-03-15T{n // 60:02d}:{n % 60:02d}:00Z")
    into = tmp_path / "ner_window"
    run = run_cli("grade", "collect", repositories_csv(tmp_path / "r.csv", {"ada": str(ada)}), "--deadline",
                  DEADLINE, "--into", into)
    assert run.returncode == 0, run.stderr
    assert (record_of(into)["ada"]["commit"], record_of(into)["ada"]["commits_after_deadline"]) == (on_time, 120)


def record_of(into) -> dict:
    data = json.loads((into / "collection.json").read_text(encoding="utf-8"))
    return {e["submission"]: e for e in data["submissions"]}


def test_bad_input_is_a_usage_error_naming_it(tmp_path):
    listed = repositories_csv(tmp_path / "r.csv", {"ada": "nowhere"})
    run = run_cli("grade", "collect", listed, "--deadline", "2025-03-14T23:00:00", "--into", tmp_path / "x")
    assert run.returncode == 2
    assert run.stderr.strip() == ("error: --deadline: '2025-03-14T23:00:00' has no offset from UTC: say which time "
                                  "zone, as in 2025-03-14T23:00:00+01:00 or 2025-03-14T23:00:00Z")
    (tmp_path / "bad.csv").write_text("student,url\nada,x\n", encoding="utf-8")
    run = run_cli("grade", "collect", tmp_path / "bad.csv", "--deadline", DEADLINE, "--into", tmp_path / "x")
    assert run.returncode == 2
    assert run.stderr.strip() == (f"error: {tmp_path}/bad.csv: the header row must name the columns submission, "
                                  "repository; it lacks submission, repository; it has 'student', 'url', which "
                                  "grade collect does not know")
    assert not os.path.exists(tmp_path / "x")


def test_nothing_collected_at_all_fails_and_a_deadline_to_come_is_said(tmp_path):
    ada = new_repo(tmp_path / "ada")
    commit(ada, {"ner_window.py": "# x\n"}, BEFORE)
    listed = repositories_csv(tmp_path / "r.csv", {"ada": str(ada), "bob": str(tmp_path / "nowhere")})
    run = run_cli("grade", "collect", listed, "--deadline", "2999-01-01T00:00Z", "--into", tmp_path / "x")
    assert run.returncode == 0, run.stderr
    assert ("note: the deadline 2999-01-01T00:00:00+00:00 is still to come: a commit made before it may yet be "
            "pushed; collect again once it has passed") in run.stderr
    only_bob = repositories_csv(tmp_path / "b.csv", {"bob": str(tmp_path / "nowhere")})
    run = run_cli("grade", "collect", only_bob, "--deadline", DEADLINE, "--into", tmp_path / "x")
    assert run.returncode == 1 and "not collected: bob" in run.stderr


def test_grade_help_lists_collect():
    run = run_cli("grade", "--help")
    assert "grade collect REPOSITORIES.csv --deadline TIME --into DIR" in run.stdout


def test_a_password_in_a_url_is_never_shown(tmp_path):
    listed = repositories_csv(tmp_path / "r.csv", {"ada": "https://ada:s3cret-token@127.0.0.1:9/ner-window-ada"})
    run = run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", tmp_path / "x")
    assert run.returncode == 1
    record = (tmp_path / "x" / "collection.json").read_text(encoding="utf-8")
    assert "s3cret" not in run.stdout + run.stderr + record
    assert "not collected: ada (https://ada:***@127.0.0.1:9/ner-window-ada): fatal: unable to access" in run.stderr
