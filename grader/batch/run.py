"""Grading a batch: every submission of one assignment, several at a time,
with nothing lost. A submission whose stored result is up to date (same
submission, spec, reference, support files, grader code and seed) is not
graded again; every other one is graded and its result saved atomically the
moment it is done, so a run killed at any point (even with SIGKILL) loses
only the submissions in flight. The class result is then rebuilt from the
results.

Every case the batch needs is computed before any submission is graded, and
with it the reference is checked against finite differences of its own
forward (reference/audit.py): a reference that fails is refused before any
student is graded against it.

With -j N, N workers grade at a time (workers.py): forked processes
where a fork server can run, each with every case already computed; threads
elsewhere, sharing the reference behind a lock, which runs one computation
at a time so that the random state it reseeds is never shared and every
expected value is the same as in a serial run."""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..cases.assignment import Assignment
from ..cases.discover import Batch, Found
from ..cases.sampling import HIDDEN, PUBLIC
from ..collect.record import commits_for, stamped
from ..grading import submission_seed
from ..results import (AssignmentResult, StreamedSubmissions, SubmissionResult, SubmissionSummary,
                       streamed)
from ..sandbox import fork_server
from ..sandbox.cores import cores
from .one_submission import grade_one
from .progress import Progress
from .store import ResultStore, result_key
from .workers import in_processes, in_threads, in_turn


@dataclass
class Job:
    sub: Found
    seed: int
    key: str


default_jobs = cores   # -j's default: one worker per core


@dataclass
class Graded:
    result: AssignmentResult
    failed: list[str]   # students the grader itself failed on: shown as errors, not saved, graded again next run


def grade_batch(batch: Batch, out: Path, seed: int | None = None, force: bool = False, jobs: int = 1,
                progress: Progress | None = None, folder: Path | None = None) -> Graded:
    """Grade every submission of `batch` whose saved result in `out` is not up to date, `jobs` at a time.
    The results are saved in `folder` (default: `out/<assignment>`; a replay's own, replays.py).

    The class's result holds each submission's summary, not the submission:
    the reports read each whole result back from its saved file, one at a
    time (results.StreamedSubmissions), so that the memory a run takes does
    not grow with the class (10 KB a submission rather than 150)."""
    a = batch.assignment
    progress = progress or Progress(a.name, len(batch.submissions), "quiet")
    store = ResultStore(folder or out / a.name)
    files = a.source_files()
    every, kept, todo = [], Kept(), []
    for sub in batch.submissions:
        s = submission_seed(a.spec, sub.student) if seed is None else seed
        job = Job(sub, s, result_key(files + [sub.path], s, "grade"))
        every.append(job)
        saved = None if force else store.load(sub.student, job.key)
        if saved is not None:
            kept.summaries[sub.student] = saved.summary()
            progress.saved(sub.student, saved.score, saved.max_score)
        else:
            todo.append(job)
    failed = _grade_jobs(a, todo, store, jobs, progress, kept) if todo else []
    progress.close()

    commits = commits_for(job.sub for job in every)   # where the folder was collected from git (grade collect)

    def read(n: int) -> SubmissionResult:
        job = every[n]
        return stamped(kept.unsaved.get(job.sub.student) or _read_back(store, job), commits.get(job.sub.student))

    submissions = StreamedSubmissions([kept.summaries[j.sub.student] for j in every], read)
    return Graded(streamed(a.name, a.spec.title, [f.name for f in a.spec.graded], submissions), failed)


@dataclass
class Kept:
    """What a run keeps of each submission: its summary, and the whole result
    only of those the grader failed on (never saved)."""
    summaries: dict[str, SubmissionSummary] = field(default_factory=dict)
    unsaved: dict[str, SubmissionResult] = field(default_factory=dict)


def _read_back(store: ResultStore, job: Job) -> SubmissionResult:
    result = store.load(job.sub.student, job.key)
    if result is None:  # saved by this run moments ago: only someone else can have removed or changed it
        raise RuntimeError(f"the saved result of {job.sub.student} ({store.path(job.sub.student)}) was removed "
                           "or changed while the reports were written; run grade again")
    return result


def _grade_jobs(a: Assignment, todo: list[Job], store: ResultStore, jobs: int, progress: Progress,
                kept: Kept) -> list[str]:
    """Grade `todo` on up to `jobs` workers, saving each result and keeping
    its summary in `kept`; return the students the grader itself failed on."""
    fork_server.shared()  # starts the fork server, which imports numpy while the reference's cases are read
    workers = min(jobs, len(todo))
    forked = workers > 1 and fork_server.fork_server_possible()
    source = Serialized(a.reference_source()) if workers > 1 and not forked else a.reference_source()
    _prepare(source, a.spec, todo)  # every case computed and audited once, here, before any worker grades
    warn_about_isolation()
    failed = []

    def grade(job: Job) -> SubmissionResult:
        result = grade_one(a, job.sub, source, job.seed)
        store.save(job.key, result)
        return result

    def done(job: Job, result: SubmissionResult) -> None:
        kept.summaries[job.sub.student] = result.summary()
        progress.graded(job.sub.student, result.score, result.max_score, result.seconds)

    def fault(job: Job, detail: str) -> None:
        failed.append(job.sub.student)
        result = SubmissionResult.grader_failed(a.spec, job.sub.student, job.sub.path, job.seed, detail)
        kept.unsaved[job.sub.student] = result
        done(job, result)

    if forked:
        fork_server.share_with_forks()
        in_processes(todo, workers, grade, done, fault, lambda job: store.load(job.sub.student, job.key))
    elif workers > 1:
        in_threads(todo, workers, grade, done, fault)
    else:
        in_turn(todo, grade, done, fault)
    source.keep()  # the next run reads the reference's cases back instead of computing them
    return failed


MISSING = {
    "network": "student code can reach the network",
    "filesystem": "student code can read and write the files this user can (the reference included)",
    "seccomp": "student code can start processes and threads (only the time limits stop a fork bomb), and can "
               "have the kernel signal processes it names through a descriptor's owner",
    "pids": "student code can name processes outside its own (to signal them, where seccomp is missing too)",
    "ipc": "System V shared memory a student's code makes, where seccomp is missing too, outlives it",
}
MISSING_AS_ROOT = {"uids": "students' processes share this user's id (root): only seccomp keeps their signals "
                           "and files apart"}
_warned = False


def warn_about_isolation() -> None:
    """Say once, on stderr, what the platform could not enforce (README,
    "How a student file is run", says what each means)."""
    global _warned
    if _warned:
        return
    _warned = True
    features = fork_server.shared().features
    missing = {**MISSING, **(MISSING_AS_ROOT if getattr(os, "getuid", lambda: 1)() == 0 else {})}
    for name, consequence in missing.items():
        if not features.get(name):
            print(f"warning: no {name} isolation on this machine: {consequence}", file=sys.stderr)


def _prepare(source, spec, todo: list[Job]) -> None:
    """Compute every case the jobs will need, and keep them."""
    source.cases(PUBLIC, spec.cases.public_seed)
    for job in todo:
        source.cases(HIDDEN, job.seed)
    source.keep()


# --- threads ---------------------------------------------------------------------------------


class Serialized:
    """A Source shared by grading threads: one computation at a time."""

    def __init__(self, source):
        self.source, self.lock = source, threading.Lock()

    def cases(self, visibility: str, seed: int):
        with self.lock:
            return self.source.cases(visibility, seed)

    def expected(self, f, case):
        with self.lock:
            return self.source.expected(f, case)

    def __getattr__(self, name):
        return getattr(self.source, name)
