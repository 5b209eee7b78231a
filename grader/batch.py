"""Grading a batch: every submission of one assignment, in parallel, with
nothing lost. A submission whose stored result is up to date (same
submission, spec, reference, grader version and seed) is not graded again;
every other one is graded and its result saved atomically the moment it
is done, so a run killed at any point (even with SIGKILL) loses only the
submissions in flight. The class result is then rebuilt from the stored
results.

With more than one job, the grading process forks workers after the
assignment is loaded, so they share its reference and the expected values
already computed; each worker grades one submission at a time (and has its
own fork server for the students' processes) and says only "done" back:
the results travel through the store, never through a pipe."""
from __future__ import annotations

import os
import select
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import __version__, zygote
from .discover import Batch
from .grading import Submission, grade_submission, submission_seed
from .progress import Progress
from .results import AssignmentResult, Check, FunctionResult, SubmissionResult
from .runner import SandboxError
from .sampling import HIDDEN, PUBLIC
from .spec import SPEC_FILE
from .store import ResultStore, result_key


@dataclass
class Job:
    sub: Submission
    seed: int
    key: str


class GradingFailed(Exception):
    """The store lost a result a worker said it saved."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass
class Graded:
    result: AssignmentResult
    failed: list[str]   # students the grader itself failed on: shown as errors, not saved, graded again next run


def grade_batch(batch: Batch, out: Path, seed: int | None = None, force: bool = False, jobs: int = 1,
                progress: Progress | None = None) -> Graded:
    a = batch.assignment
    progress = progress or Progress(a.name, len(batch.submissions), "quiet")
    store = ResultStore(out / a.name)
    files = [a.folder / SPEC_FILE, a.reference.path]
    jobs_all, results, todo, failed = [], {}, [], []
    for sub in batch.submissions:
        s = submission_seed(a.spec, sub.student) if seed is None else seed
        job = Job(sub, s, result_key(files + [sub.path], s, "grade"))
        jobs_all.append(job)
        saved = None if force else store.load(sub.student, job.key)
        if saved is not None:
            results[sub.student] = saved
            progress.saved(sub.student, saved.score, saved.max_score)
        else:
            todo.append(job)
    if todo:
        warn_about_isolation()
        source = a.reference_source()
        hide = a.hidden_paths()

        def grade(job: Job) -> SubmissionResult:
            result = grade_submission(a.spec, source, job.sub, seed=job.seed, hide=hide)
            store.save(job.key, result)
            return result

        def done(job: Job, result: SubmissionResult) -> None:
            results[job.sub.student] = result
            progress.graded(job.sub.student, result.score, result.max_score, result.seconds)

        def fault(job: Job, detail: str) -> None:
            failed.append(job.sub.student)
            done(job, _grader_failure(a.spec, job, detail))

        if jobs > 1 and len(todo) > 1:
            _warm(source, todo)
            _in_workers(todo, min(jobs, len(todo)), grade, lambda job: done(job, _stored(store, job)), fault)
        else:
            for job in todo:
                try:
                    result = grade(job)
                except SandboxError:
                    raise
                except Exception:
                    fault(job, traceback.format_exc())
                else:
                    done(job, result)
    progress.close()
    return Graded(AssignmentResult(assignment=a.name, title=a.spec.title,
                                   function_names=[f.name for f in a.spec.graded],
                                   submissions=[results[j.sub.student] for j in jobs_all]), failed)


def _grader_failure(spec, job: Job, detail: str) -> SubmissionResult:
    """What the report says of a submission the grader failed on (a bug in
    the grader, never the student's doing); it is not saved."""
    last = detail.strip().splitlines()[-1] if detail.strip() else "unknown error"
    message = (f"the grader failed on this submission ({last}); this is not the student's doing, "
               "and it is graded again on the next run")
    functions = [FunctionResult(name=f.name, score=0.0, max_score=f.points,
                                checks=[Check(name="grading", status="error", message=message)])
                 for f in spec.graded]
    return SubmissionResult(student=job.sub.student, path=str(job.sub.path), score=0.0,
                            max_score=sum(f.points for f in spec.graded), seed=job.seed,
                            grader_version=__version__, functions=functions)


MISSING = {
    "network": "student code can reach the network",
    "filesystem": "student code can read and write the files this user can (the reference included)",
    "seccomp": "student code can start processes and threads (only the time limits stop a fork bomb)",
}
_warned = False


def warn_about_isolation() -> None:
    """Say once, on stderr, what the platform could not enforce (README,
    "How a student file is run", says what each means)."""
    global _warned
    if _warned:
        return
    _warned = True
    features = zygote.shared().features
    for name, consequence in MISSING.items():
        if not features.get(name):
            print(f"warning: no {name} isolation on this machine: {consequence}", file=sys.stderr)


def _stored(store: ResultStore, job: Job) -> SubmissionResult:
    result = store.load(job.sub.student, job.key)
    if result is None:
        raise GradingFailed(f"{job.sub.student}: a worker reported its result saved, but it is not in {store.folder}")
    return result


def _warm(source, todo: list[Job]) -> None:
    """Compute the cases (and the reference's expected values on them) that
    every job will draw, once, before the workers fork and inherit them."""
    source.cases(PUBLIC, 0)
    if getattr(source, "pooled", False):
        for job in todo:
            source.cases(HIDDEN, job.seed)


# --- workers ---------------------------------------------------------------------------------

class _Worker:
    """A forked grading process, fed one job index at a time over a pipe."""

    def __init__(self, todo: list[Job], grade, keep_closed: list[int]):
        tasks_r, self.tasks = os.pipe()
        self.answers, answers_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: grade what it is sent until the pipe closes
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                for fd in keep_closed + [self.tasks, self.answers]:
                    os.close(fd)
                _work(todo, grade, tasks_r, answers_w)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(tasks_r)
        os.close(answers_w)
        self.buffer = b""
        self.index = -1

    def send(self, index: int) -> None:
        self.index = index
        os.write(self.tasks, f"{index}\n".encode())

    def answer(self) -> str | None:
        """The worker's answer about its job, once a whole line has arrived."""
        chunk = os.read(self.answers, 1 << 16)
        if not chunk:
            raise EOFError
        self.buffer += chunk
        if b"\n" not in self.buffer:
            return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def stop(self) -> None:
        for fd in (self.tasks, self.answers):
            try:
                os.close(fd)
            except OSError:
                pass


def _work(todo: list[Job], grade, tasks_r: int, answers_w: int) -> None:
    with os.fdopen(tasks_r, "r") as tasks, os.fdopen(answers_w, "w") as answers:
        for line in tasks:
            try:
                grade(todo[int(line)])
                answers.write("ok\n")
            except SandboxError as e:
                answers.write("fatal " + str(e).replace("\n", "\\n") + "\n")
            except Exception:
                answers.write("error " + traceback.format_exc().replace("\n", "\\n") + "\n")
            answers.flush()


def _in_workers(todo: list[Job], jobs: int, grade, done, fault) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[_Worker] = []
    queue = list(range(len(todo)))
    finished = False

    def start() -> _Worker:
        w = _Worker(todo, grade, [fd for other in workers for fd in (other.tasks, other.answers)])
        workers.append(w)
        return w

    try:
        busy = {}
        for _ in range(jobs):
            w = start()
            w.send(queue.pop(0))
            busy[w.answers] = w
        while busy:
            for fd in select.select(list(busy), [], [])[0]:
                w = busy[fd]
                job = todo[w.index]
                try:
                    line = w.answer()
                except EOFError:  # the worker died: its submission is a grader failure; a new worker goes on
                    del busy[fd]
                    w.stop()
                    fault(job, "a grading worker died")
                    if queue:
                        w = start()
                        w.send(queue.pop(0))
                        busy[w.answers] = w
                    continue
                if line is None:
                    continue
                if line.startswith("fatal"):
                    raise SandboxError(line[6:].replace("\\n", "\n"))
                if line.startswith("error"):
                    fault(job, line[6:].replace("\\n", "\n"))
                else:
                    done(job)
                if queue:
                    w.send(queue.pop(0))
                else:
                    del busy[fd]
                    w.stop()
        finished = True
    finally:
        for w in workers:
            w.stop()
            if not finished:
                try:
                    os.kill(w.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for w in workers:
            try:
                os.waitpid(w.pid, 0)
            except ChildProcessError:
                pass
