"""Writing many report files on every core. Rendering a class's pages is
pure Python, so threads would share one core; instead this process and
forked copies of it each take the next job (grader/jobs.py) until none
is left. Only files come out of a job. Should a copy fail (or die), every
job this process did not do itself is done again here, where an error shows."""
from __future__ import annotations

import os
import threading
from typing import Callable

from ..forking import JobPipe
from ..sandbox.cores import cores

MIN_JOBS = 16   # a process for fewer would cost more than it saves


def run_in_parallel(jobs: list[Callable[[], object]], processes: int | None = None,
                    meanwhile: Callable[[], object] | None = None) -> None:
    """Run every job, on `processes` processes (default: one per core); this
    process runs `meanwhile` first (in this process: what it returns or
    changes stays here), while the copies start on the jobs."""
    processes = min(processes or cores(), len(jobs) // MIN_JOBS)
    if processes < 2 or not hasattr(os, "fork") or threading.active_count() > 1:  # forking beside threads is unsafe
        if meanwhile:
            meanwhile()
        for job in jobs:
            job()
        return
    queue = JobPipe(len(jobs))
    pids, mine = [], []
    try:
        for _ in range(processes - 1):
            pid = os.fork()
            if pid == 0:  # a copy: never returns
                code = 1
                try:
                    queue.forked()
                    _take(jobs, queue)
                    code = 0
                finally:
                    os._exit(code)
            pids.append(pid)
        queue.start()
        if meanwhile:
            meanwhile()
        mine = _take(jobs, queue)
    finally:
        queue.close()
        failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
    if failed:
        for n in sorted(set(range(len(jobs))) - set(mine)):
            jobs[n]()


def _take(jobs: list, queue: JobPipe) -> list[int]:
    """Do the next job until none is left; the numbers of those done."""
    done = []
    while (n := queue.take()) is not None:
        jobs[n]()
        done.append(n)
    return done

