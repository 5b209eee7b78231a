"""Which commit a deadline takes, fetched no deeper than it needs: at the
deadline the newest commit is usually the one, and it alone is fetched."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from grader.collect.deadline import commit_at, parse_deadline
from grader.collect.git import Scratch
from student_repos import BEFORE, DEADLINE, commit, git, new_repo


def scratch(tmp_path) -> Scratch:
    (tmp_path / "scratch").mkdir()
    return Scratch(tmp_path / "scratch")


def test_a_newest_commit_before_the_deadline_is_fetched_alone(tmp_path):
    ada = new_repo(tmp_path / "ada")
    for n in range(5):
        last = commit(ada, {"ner_window.py": f"# draft {n}\n"}, f"2025-03-1{n}T12:00:00+00:00")
    into = scratch(tmp_path)
    chosen = commit_at(into, str(ada), "main", parse_deadline(DEADLINE))
    assert (chosen.commit.oid, chosen.after, chosen.branch) == (last, 0, "main")
    assert into.shallow() == {last}
    assert into.run("rev-list", "--count", "--all").strip() == "1"


def test_commits_after_the_deadline_fetch_deeper_until_one_is_before(tmp_path):
    ada = new_repo(tmp_path / "ada")
    for n in range(15):
        commit(ada, {"ner_window.py": f"# early {n}\n"}, f"2025-03-01T{n:02d}:00:00+00:00")
    on_time = commit(ada, {"ner_window.py": "# on time\n"}, BEFORE)
    for n in range(3):
        commit(ada, {"ner_window.py": f"# late {n}\n"}, f"2025-03-15T1{n}:00:00+00:00")
    into = scratch(tmp_path)
    chosen = commit_at(into, str(ada), "main", parse_deadline(DEADLINE))
    assert (chosen.commit.oid, chosen.after, chosen.commit.shown) == (on_time, 3, BEFORE)
    # the newest commit, then 10 more: not the 8 older ones the deadline does not need
    assert (into.run("rev-list", "--count", "--all").strip(), git(ada, "rev-list", "--count", "main")) == ("11", "19")


def test_the_deadline_is_iso_8601_with_its_offset():
    assert parse_deadline("2025-03-14T23:00:00Z") == datetime(2025, 3, 14, 23, tzinfo=timezone.utc)
    assert parse_deadline("2025-03-15T00:00:00+01:00") == datetime(2025, 3, 14, 23, tzinfo=timezone.utc)
    assert parse_deadline("2025-03-14T18:00-05:00").utcoffset() == timedelta(hours=-5)
    with pytest.raises(ValueError, match="is not an ISO 8601 time"):
        parse_deadline("14 March 2025, 23:00")
    with pytest.raises(ValueError, match="has no offset from UTC"):
        parse_deadline("2025-03-14 23:00")
