"""Which commit a deadline collects: walking a branch back from its newest
commit along first parents (the branch's own line of history, not the
commits a merge brought in), the first whose committer time is at or
before the deadline; the commits walked past are the ones after it.

The history is fetched shallow: the newest commit alone first (at the
deadline it is usually the one), then deeper only while no commit on the
way is old enough.

A committer time is whatever the student's git wrote: a forged one passes.
What makes the chosen commit one that existed at the deadline is running
the collection then (README, "Collecting at the deadline")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from .git import GitError, Scratch

TIP = "refs/collect/tip"
# How each fetch goes deeper than the last: the newest commit, 10 more, 100 more, then the whole history.
FETCHES = (["--depth=1"], ["--deepen=10"], ["--deepen=100"], ["--unshallow"])


class Problem(Exception):
    """Why a repository was not collected, in words for the instructor."""


@dataclass(frozen=True)
class Commit:
    oid: str
    time: datetime        # the committer time
    shown: str            # ... as git writes it: ISO 8601 with the committer's offset


@dataclass(frozen=True)
class Chosen:
    branch: str
    commit: Commit
    after: int            # commits of the branch after the deadline, walked past to reach it


def parse_deadline(text: str) -> datetime:
    """An ISO 8601 time with its offset from UTC (`Z` for UTC); ValueError saying what is wrong."""
    try:
        when = datetime.fromisoformat(text.strip()[:-1] + "+00:00" if text.strip().endswith("Z") else text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time, such as 2027-03-14T23:00:00+01:00") from None
    if when.tzinfo is None:
        raise ValueError(f"{text!r} has no offset from UTC: say which time zone, as in {text}+01:00 or {text}Z")
    return when


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def default_branch(scratch: Scratch, remote: str) -> str:
    """The branch the repository's HEAD names (`HEAD` itself where it names none)."""
    branch = commit = None
    for line in scratch.run("ls-remote", "--symref", "--", remote, "HEAD").splitlines():
        ref, _, name = line.partition("\t")
        if name == "HEAD" and ref.startswith("ref: refs/heads/"):
            branch = ref.removeprefix("ref: refs/heads/")
        elif name == "HEAD" and not ref.startswith("ref:"):
            commit = ref
    if commit is None:   # git may name the branch HEAD will be on, before it has a commit
        raise Problem("the repository has no commits" + (f" on its default branch, {branch}" if branch else ""))
    return branch or "HEAD"


def commit_at(scratch: Scratch, remote: str, branch: str, deadline: datetime) -> Chosen:
    """The commit of `branch` the deadline collects, fetched into `scratch` (its tree too)."""
    source = "HEAD" if branch == "HEAD" else f"refs/heads/{branch}"
    walked: list[Commit] = []
    for deeper in FETCHES:
        try:
            scratch.run("fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head",
                        *deeper, "--", remote, f"+{source}:{TIP}")
        except GitError as e:
            if "couldn't find remote ref" in str(e):
                raise Problem(f"the repository has no branch {branch}") from None
            raise
        walked = first_parents(scratch)
        for n, commit in enumerate(walked):
            if commit.time <= deadline:
                return Chosen(branch, commit, n)
        if walked[-1].oid not in scratch.shallow():
            break
    oldest = f"the oldest of its {len(walked)} commits is" if len(walked) > 1 else "its one commit is"
    raise Problem(f"no commit on {branch} at or before the deadline ({deadline.isoformat()}): "
                  f"{oldest} of {walked[-1].shown}")


def first_parents(scratch: Scratch) -> list[Commit]:
    """The fetched commits of the branch, newest first, along first parents."""
    lines = scratch.run("log", "--first-parent", "--format=%H %ct %cI", TIP, "--").splitlines()
    commits = []
    for line in lines:
        oid, seconds, shown = line.split()[:3]
        commits.append(Commit(oid, datetime.fromtimestamp(int(seconds), timezone.utc), shown))
    return commits
