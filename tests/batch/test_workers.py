"""Grading on forked worker processes: each result is read back from what the
worker saved; a job that raised is a fault with its traceback; a worker that
dies leaves the job it was grading as a fault (graded again next run), never
lost in silence, and the other workers grade the rest; a broken fork server
stops the run."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from grader.sandbox.fork_server import SandboxError
from grader.batch.workers import in_processes, in_threads


def run(tmp_path: Path, grade, jobs=8, workers=2):
    done, faults = {}, {}

    def save_then(job):  # what a worker does: grade, then save where the caller reads it back
        (tmp_path / f"{job}.txt").write_text(str(grade(job)), encoding="utf-8")

    def read_back(job):
        path = tmp_path / f"{job}.txt"
        return int(path.read_text(encoding="utf-8")) if path.exists() else None

    in_processes(list(range(jobs)), workers, save_then, done.__setitem__, faults.__setitem__, read_back)
    return done, faults


def test_every_job_is_graded_once_and_read_back(tmp_path):
    done, faults = run(tmp_path, lambda job: job * 10)
    assert done == {job: job * 10 for job in range(8)} and not faults


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="Linux's scheduling policies")
def test_workers_are_woken_without_preempting_their_students(tmp_path):
    """Workers run as batch processes (see workers._work); this process does not."""
    done, faults = run(tmp_path, lambda job: os.sched_getscheduler(0))
    assert set(done.values()) == {os.SCHED_BATCH} and not faults
    assert os.sched_getscheduler(0) != os.SCHED_BATCH


def test_a_job_that_raises_is_a_fault_and_the_others_go_on(tmp_path):
    def grade(job):
        if job == 2:
            raise ValueError("a bug in the grader")
        return job
    done, faults = run(tmp_path, grade)
    assert set(done) == set(range(8)) - {2}
    assert "ValueError: a bug in the grader" in faults[2]


def test_a_worker_that_dies_leaves_its_job_as_a_fault_and_the_others_grade_the_rest(tmp_path):
    def grade(job):
        if job == 3:
            os._exit(7)
        return job
    done, faults = run(tmp_path, grade)
    assert done == {job: job for job in range(8) if job != 3}
    assert set(faults) == {3} and "worker stopped" in faults[3]


def test_when_every_worker_dies_every_job_left_is_a_fault(tmp_path):
    def grade(job):
        if job >= 3:
            os._exit(7)
        return job
    done, faults = run(tmp_path, grade)
    assert done == {0: 0, 1: 1, 2: 2}
    assert set(faults) == set(range(3, 8))
    assert all("worker stopped" in detail for detail in faults.values())


def test_a_slow_job_holds_up_no_other(tmp_path):
    """Jobs go to whichever worker is free: one worker grades the slow job
    while the other grades everything else."""
    def grade(job):
        time.sleep(1.0 if job == 0 else 0.01)
        return os.getpid()
    done, _ = run(tmp_path, grade, jobs=20)
    assert len({pid for job, pid in done.items() if job != 0} - {done[0]}) == 1
    assert sum(pid == done[0] for pid in done.values()) == 1


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs a platform that pins processes to cores, and two cores")
def test_each_worker_runs_on_a_core_of_its_own(tmp_path):
    done = {}

    def save(job):
        time.sleep(0.05)  # both workers take jobs
        (tmp_path / f"{job}.json").write_text(json.dumps(sorted(os.sched_getaffinity(0))), encoding="utf-8")

    def read_back(job):
        return json.loads((tmp_path / f"{job}.json").read_text(encoding="utf-8"))

    in_processes(list(range(8)), 2, save, done.__setitem__, lambda job, detail: pytest.fail(detail), read_back)
    cores = {tuple(c) for c in done.values()}
    assert len(cores) == 2 and all(len(c) == 1 for c in cores)
    assert set().union(*cores) <= os.sched_getaffinity(0)


def test_a_broken_fork_server_stops_the_run(tmp_path):
    def grade(job):
        raise SandboxError("the fork server is gone")
    with pytest.raises(SandboxError, match="fork server is gone"):
        run(tmp_path, grade)


def test_threads_grade_the_same(tmp_path):
    done, faults = {}, {}
    in_threads(list(range(8)), 3, lambda job: job * 10, done.__setitem__, faults.__setitem__)
    assert done == {job: job * 10 for job in range(8)} and not faults
