"""Grading many submissions at once: on forked worker processes where the
platform can fork (they share the caller's fork server, and their checks
run on every core), on threads elsewhere (their checks share one core,
under the GIL); or, with one worker, one after another.

Every way `done` and `fault` run in the calling thread, in the order
submissions finish. A worker saves each result itself, the moment it is
graded, and tells the caller which job it finished: only that index crosses
the pipe, and the caller reads the result back from the store."""
from __future__ import annotations

import gc
import json
import os
import queue
import select
import signal
import threading
import traceback
from typing import Callable

from ..forking import JobPipe, collection_paused, woken_without_preempting
from ..sandbox.cores import allowed_cores, pin
from ..sandbox.fork_server import SandboxError


# A worker's collections of young objects: one per 10,000 new containers rather than Python's 700.
# Grading a submission makes some hundred thousand short-lived containers, nearly all freed as soon
# as they are dropped, and next to no cycles: the default spends 4 % of a worker's time collecting.
GC_YOUNG = 10_000


def in_processes(todo: list, workers: int, grade: Callable, done: Callable, fault: Callable,
                 read_back: Callable) -> None:
    """Each worker takes the next job when it is free (grader/jobs.py);
    `read_back(job)` is the saved result or None."""
    jobs = JobPipe(len(todo))
    pids, ends = [], []
    cores = allowed_cores()
    gc.freeze()  # the workers' collections skip what they inherit (every case), and leave its pages shared
    for k in range(workers):  # every fork before any thread starts here
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            for fd in ends + [read_end]:
                os.close(fd)
            if cores:
                pin([cores[k % len(cores)]])  # see _work
            woken_without_preempting()  # see _work
            gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
            jobs.forked()
            _work(todo, jobs, write_end, grade)
        os.close(write_end)
        pids.append(pid)
        ends.append(read_end)
    jobs.start()
    try:
        with collection_paused():  # this process only gathers results, which live to the end of the run
            _collect(todo, ends, done, fault, read_back)
    finally:
        jobs.close()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)  # only ever needed when this run is stopped early
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        for fd in ends:
            try:
                os.close(fd)
            except OSError:
                pass


def _work(todo: list, jobs: JobPipe, out: int, grade: Callable) -> None:
    """Grade jobs until none is left, on a core of this worker's own (as are
    the student processes it starts: the fork server puts them on the cores
    of the process that asks). A worker and its student's process take turns,
    each waiting on the other, so on one core neither wakes the other across
    cores, and each finds the core's caches warm: -j 2 on 2 cores, 5 % faster.
    Every answer the student's process writes wakes its worker; were the
    worker to take the core at once, each answer would cost two switches and
    leave both with cold caches. Instead the student's process answers on
    until it waits for requests, and the worker reads every answer that
    queued up in one go: 3 % less CPU a submission, 4-6 % faster."""
    from ..sandbox import confine
    code = 0
    try:
        confine.die_with_parent()  # a grading run killed with SIGKILL takes its workers with it
        with os.fdopen(out, "w") as pipe:
            while (n := jobs.take()) is not None:
                line = {"n": n}
                try:
                    grade(todo[n])
                except SandboxError as e:
                    line["sandbox"] = str(e)
                except Exception:
                    line["fault"] = traceback.format_exc()
                pipe.write(json.dumps(line) + "\n")
                pipe.flush()
                if "sandbox" in line:
                    break
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _collect(todo: list, ends: list[int], done, fault, read_back) -> None:
    """Hand on each job's result as its worker reports it (a line on its
    pipe, read here as it comes: no thread stands between); once every
    worker has ended, the jobs none reported (a dead worker's) are faults."""
    left = set(range(len(todo)))
    partial = {fd: b"" for fd in ends}
    poller = select.poll()
    for fd in ends:
        poller.register(fd, select.POLLIN)
    while partial:
        for fd, _ in poller.poll():
            chunk = os.read(fd, 1 << 16)
            if not chunk:  # the worker is gone
                poller.unregister(fd)
                del partial[fd]
                continue
            *lines, partial[fd] = (partial[fd] + chunk).split(b"\n")
            for line in lines:
                _report(todo, json.loads(line), left, done, fault, read_back)
    for n in sorted(left):
        fault(todo[n], "the grading worker stopped before this submission was graded")


def _report(todo: list, line: dict, left: set, done, fault, read_back) -> None:
    job = todo[line["n"]]
    left.discard(line["n"])
    if "sandbox" in line:
        raise SandboxError(line["sandbox"])
    if "fault" in line:
        fault(job, line["fault"])
        return
    result = read_back(job)
    if result is None:
        fault(job, "the grading worker's saved result could not be read back")
    else:
        done(job, result)


def in_turn(todo: list, grade: Callable, done: Callable, fault: Callable) -> None:
    """Grade `todo` one after another, in this thread."""
    for job in todo:
        try:
            result = grade(job)
        except SandboxError:
            raise
        except Exception:
            fault(job, traceback.format_exc())
        else:
            done(job, result)


def in_threads(todo: list, jobs: int, grade: Callable, done: Callable, fault: Callable) -> None:
    """Grade `todo` on `jobs` threads."""
    waiting: queue.Queue = queue.Queue()
    for job in todo:
        waiting.put(job)
    finished: queue.Queue = queue.Queue()

    def work() -> None:
        while True:
            try:
                job = waiting.get_nowait()
            except queue.Empty:
                return
            try:
                finished.put((job, grade(job), None))
            except SandboxError as e:
                finished.put((job, None, e))
            except Exception:
                finished.put((job, None, traceback.format_exc()))

    for _ in range(jobs):  # daemons: an interrupted run does not wait for the submissions in flight
        threading.Thread(target=work, daemon=True).start()
    for _ in todo:
        job, result, error = finished.get()
        if isinstance(error, SandboxError):
            raise error
        if error:
            fault(job, error)
        else:
            done(job, result)
