"""Collecting every repository of a list, several at a time (each fetch
mostly waits on the network), each into a scratch repository of its own
that is deleted afterwards. A repository that cannot be collected is
recorded with the reason and the others go on; collection.json is written
again as each repository is done, so a run that is stopped keeps what it
collected.

A submission collected once its deadline had passed is final: running
again for the same deadline and repository keeps it (a run at the deadline,
then a run later, would otherwise let in commits pushed between the two,
whatever their dates), unless `force`."""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .deadline import Problem, commit_at, default_branch, now
from .git import GitError, Scratch
from .record import Collected, Collection, NotCollected, read_collection, write_collection
from .repositories import Listed, Listing
from .tree import write_tree


@dataclass(frozen=True)
class Outcome:
    listed: Listed
    entry: Collected | None = None     # what the record now holds for it
    problem: str | None = None         # why it was not collected
    kept: bool = False                 # the entry is an earlier, final collection, kept


def collect_all(listing: Listing, deadline: datetime, into: Path, branch: str | None = None, jobs: int = 8,
                force: bool = False, done: Callable[[Outcome], None] = lambda outcome: None) -> Collection:
    """Collect every repository of `listing` at `deadline` into `into`; the
    collection as recorded in `into`/collection.json. `done` is called with
    each repository's outcome as it comes (from one thread at a time)."""
    into.mkdir(parents=True, exist_ok=True)
    earlier = read_collection(into)
    started = now().isoformat()
    collection = Collection(deadline=deadline.isoformat(), collected_at=started,
                            submissions=earlier.submissions if earlier else [])
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            if outcome.problem:
                collection.not_collected = sorted([*collection.not_collected, NotCollected(
                    submission=outcome.listed.submission, repository=outcome.listed.repository,
                    problem=outcome.problem)], key=lambda e: e.submission)
            elif not outcome.kept:
                collection.put(outcome.entry)
            write_collection(into, collection)
            done(outcome)

    for rejected in listing.rejected:
        record(Outcome(Listed(rejected.submission, rejected.repository, ""), problem=rejected.problem))
    write_collection(into, collection)
    earlier_entries = {e.submission: e for e in collection.submissions}
    pool = ThreadPoolExecutor(max(1, jobs))
    try:
        futures = {pool.submit(collect_one, listed, deadline, into, branch,
                               None if force else earlier_entries.get(listed.submission)): listed
                   for listed in listing.repositories}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as e:   # a fault of grade collect's own: said, and the others go on
                outcome = Outcome(futures[future], problem=f"grade collect failed on it ({type(e).__name__}: {e})")
            record(outcome)
    finally:   # stopped (Ctrl-C): the repositories not yet begun are not begun
        pool.shutdown(cancel_futures=True)
    return collection


def collect_one(listed: Listed, deadline: datetime, into: Path, branch: str | None,
                earlier: Collected | None) -> Outcome:
    """One repository: its commit at `deadline` written into `into`/<submission>."""
    if earlier and earlier.final(deadline, listed.repository) and (into / listed.submission).is_dir():
        return Outcome(listed, earlier, kept=True)
    with tempfile.TemporaryDirectory(prefix="grade-collect-") as scratch_folder:
        try:
            scratch = Scratch(Path(scratch_folder))
            chosen = commit_at(scratch, listed.remote, branch or default_branch(scratch, listed.remote), deadline)
            fetched = now()
            notes = place(scratch, chosen.commit.oid, into, listed.submission)
        except (Problem, GitError, OSError) as e:
            return Outcome(listed, problem=str(e) if not isinstance(e, OSError) else f"cannot write its files ({e})")
    entry = Collected(submission=listed.submission, repository=listed.repository, commit=chosen.commit.oid,
                      committed_at=chosen.commit.shown, collected_at=fetched.isoformat(),
                      deadline=deadline.isoformat(), commits_after_deadline=chosen.after, branch=chosen.branch,
                      notes=notes)
    return Outcome(listed, entry)


def place(scratch: Scratch, commit: str, into: Path, submission: str) -> list[str]:
    """Write `commit`'s tree as `into`/`submission`, in place of what was
    there only once the whole tree is written; the tree's notes."""
    temp = into / f".collecting-{secrets.token_hex(6)}"   # hidden: a run of grade meanwhile skips it
    try:
        notes = write_tree(scratch, commit, temp)
        target, old = into / submission, into / f".collected-before-{secrets.token_hex(6)}"
        if os.path.lexists(target):
            os.rename(target, old)
        os.rename(temp, target)
        remove(old)
    finally:
        remove(temp)
    return notes


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
