"""Grading on forked worker processes: each result is read back from what the
worker saved; a job that raised is a fault with its traceback; a worker that
dies leaves its remaining jobs as faults (graded again next run), never lost
in silence; a broken fork server stops the run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.runner import SandboxError
from grader.workers import in_processes, in_threads


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


def test_a_job_that_raises_is_a_fault_and_the_others_go_on(tmp_path):
    def grade(job):
        if job == 2:
            raise ValueError("a bug in the grader")
        return job
    done, faults = run(tmp_path, grade)
    assert set(done) == set(range(8)) - {2}
    assert "ValueError: a bug in the grader" in faults[2]


def test_a_worker_that_dies_leaves_its_remaining_jobs_as_faults(tmp_path):
    def grade(job):
        if job == 3:  # worker 1 has jobs 1, 3, 5, 7
            os._exit(7)
        return job
    done, faults = run(tmp_path, grade)
    assert done == {0: 0, 1: 1, 2: 2, 4: 4, 6: 6}
    assert set(faults) == {3, 5, 7}
    assert all("worker stopped" in detail for detail in faults.values())


def test_a_broken_fork_server_stops_the_run(tmp_path):
    def grade(job):
        raise SandboxError("the fork server is gone")
    with pytest.raises(SandboxError, match="fork server is gone"):
        run(tmp_path, grade)


def test_threads_grade_the_same(tmp_path):
    done, faults = {}, {}
    in_threads(list(range(8)), 3, lambda job: job * 10, done.__setitem__, faults.__setitem__)
    assert done == {job: job * 10 for job in range(8)} and not faults
