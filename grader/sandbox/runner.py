"""Running one submission in a student process forked by the fork server
(fork_server.py): hand it its files, load the student's module, send calls,
enforce the time limits and kill the process when it overruns. What it
sends back is validated into typed replies (answers.py) for the checks to
judge."""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from functools import cached_property
from pathlib import Path
from typing import Iterator

import numpy as np

from . import fork_server, kept, package, wire
from .answers import Failed, Reply, StudentError, failed, malformed, read
from ..spec import Limits
from .cores import allowed_cores
from .fork_server import SandboxError  # noqa: F401  (re-exported: a fault of the machine, not of a student)
from .handed_files import NotHanded, output_file, submission_source
from .spawner import Spawner

# The most bytes of answers the grading process reads from one submission's processes, all
# calls together. Everything it holds on a submission's behalf comes from these bytes: arrays
# are kept as views of them, and a frame's JSON part is bounded (see wire.py). So this is the
# grading side's memory ceiling per submission, checked before a byte is read, and the same
# in a forked worker, a thread or a single run: honest answers are the spec's shapes, some
# hundred KB for every bundled assignment.
ANSWER_BYTES = 256 * 2**20
# signals of a crash in native code (SIGBUS is not on every platform); of a CPU limit; of a kill
NATIVE_CRASH = {getattr(signal, name) for name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")
                if hasattr(signal, name)}
KILLED = {getattr(signal, name) for name in ("SIGXCPU", "SIGKILL") if hasattr(signal, name)}


class Sandbox:
    """One student's submission, in a process of its own. A request that
    times out or crashes that process gets a fresh one for the next
    request, so one broken function cannot sink the others; a function that
    timed out is not called again (its later calls fail at once, the same way).
    A submission whose answers pass ANSWER_BYTES gets no more calls: each
    fails at once, saying so."""

    received = 0                               # bytes of answers read so far, from every process
    overspent: "StudentError | None" = None    # why no more answers are read, once ANSWER_BYTES is passed

    def __init__(self, path: Path, module: str, limits: Limits, hide: list[Path], support: Path | None = None,
                 notebook=None):
        self.path, self.module, self.limits = Path(os.path.abspath(path)), module, limits  # no link followed
        self.notebook = notebook  # a notebook's module (cases/notebook.py), run in place of the file
        self.support = Path(support).resolve() if support else None  # helper modules: copied in, importable
        self.call_timeout = limits.call_timeout
        self.deadline = time.monotonic() + limits.timeout
        self.hide = [os.path.realpath(p) for p in hide]  # resolved here, where they exist
        self.output = output_file(4 * limits.output + 2048)  # the student's process writes at most 4 * output + 1 KiB
        self.lease: fork_server.Lease | None = None
        self.pipes: tuple[int, int] | None = None   # (to the child, from the child)
        self.answers: wire.Reader | None = None     # reads the pipe from the child
        self.workdir: str | None = None             # only where the fork server has no scratch mount
        self.loaded: Reply | None = None
        self.failed_load: Reply | None = None  # an import that failed once is not retried
        self.timed_out: dict[str, StudentError] = {}
        self.sealed = False
        self.marked: tuple[str, int] | None = None  # (what was printed before the mark, where it ends: see mark_output)
        self.process = 0                            # which of the submission's processes is running (1, 2, ...)
        self.kept = kept.KeptCaches()               # the caches they kept, and where each came from

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- requests -------------------------------------------------------------

    def load(self) -> Reply:
        """Start the student's process and import the submission; the reply lists its functions."""
        if self.failed_load:
            return self.failed_load
        if self.lease is None:
            request = {"op": "load", "module": self.module, "hide": self.hide,
                       **(self.notebook.load_fields() if self.notebook else {})}
            try:
                self._spawn(request)
            except NotHanded as e:
                self.failed_load = failed("exception", str(e))
                return self.failed_load
            self.loaded = self._receive(request)
            if not self.loaded.ok:
                self.failed_load = self.loaded
                self._kill()
                return self.failed_load
        return self.loaded

    def call(self, function: str, args: dict, keep=None, updates=None) -> Reply:
        """Call a function; outputs at `keep` (a cache) stay in the student's
        process under handles, arguments in `updates` come back as changed."""
        return self.run([call_request(function, args, keep, updates)])[0]

    def run(self, requests: list[Request]) -> list[Reply]:
        """Several calls and probes at once (see `stream`), every reply read."""
        return list(self.stream(requests))

    def stream(self, requests: list[Request]) -> Iterator[Reply]:
        """Several calls and probes at once: sent together, answered one by
        one (each within the call time limit), and each reply yielded as soon
        as it is read, in order, so that it can be checked while the student's
        process computes the next. After a timeout or a crash, the ones not
        yet answered go to a fresh process, where the caches they name are
        made again first (kept.py). Every reply must be read before
        the next request; a stream left early kills the process, so that no
        answer is ever taken for another request's."""
        given = 0
        try:
            for reply in self._stream(requests):
                given += 1
                yield reply
        finally:
            if given < len(requests):
                self._kill()

    def _stream(self, requests: list[Request]) -> Iterator[Reply]:
        start = 0
        while start < len(requests):
            rest = requests[start:]
            waiting = [k for k, r in enumerate(rest) if self._known(r) is None]
            loaded = self.load() if waiting else None
            if not waiting or not loaded.ok:
                yield from (self._known(r) or loaded for r in rest)
                return
            first_stale = next((k for k in waiting if kept.stale(rest[k], self.process)), None)
            if first_stale == waiting[0]:  # after a restart: its caches are made again here, then it goes alone
                yield from (self._known(r) for r in rest[:first_stale])
                yield self._resent(rest[first_stale])
                start += first_stale + 1
                continue
            if first_stale is not None:
                waiting = [k for k in waiting if k < first_stale]   # the loop comes back for the stale one
            done = 0
            for k, reply in zip(waiting, self._exchange([rest[k] for k in waiting])):
                yield from (self._known(r) for r in rest[done:k])  # timed out before: not sent
                yield self._noted(rest[k], reply)
                done = k + 1
            start += done

    def _noted(self, request: Request, reply: Reply) -> Reply:
        """The reply, with a timeout remembered: that function is not called again."""
        function = request["function"]
        if reply.error and reply.error.kind == "timeout" and function not in self.timed_out:
            self.timed_out[function] = StudentError(
                "timeout", f"{reply.error.message}; {function} was not called again after it timed out")
        return reply

    def _resent(self, request: Request) -> Reply:
        """The reply to a request that names caches of an ended process, sent
        once they are made again in this one (kept.py)."""
        try:
            request = self.kept.live(request, self.process, self._one)
        except kept.Lost as lost:
            return failed("exception", str(lost))
        return self._one(request)

    def _one(self, request: Request) -> Reply:
        """One request, sent alone, in the process now running or a fresh one."""
        known = self._known(request)
        if known:
            return known
        loaded = self.load()
        return self._noted(request, next(self._exchange([request]))) if loaded.ok else loaded

    def _known(self, request: dict) -> Reply | None:
        """The reply of a request to a function that timed out before, or of
        any once the answers passed ANSWER_BYTES: not sent."""
        known = self.overspent or self.timed_out.get(request["function"])
        return Failed(error=known) if known else None

    def _exchange(self, requests: list[Request]) -> Iterator[Reply]:
        """Send the requests together (several: a batch frame with their
        count, then theirs) and yield their answers as they come; it ends
        early where the process failed (its last reply says how)."""
        frames = [request.frame for request in requests]
        if len(requests) > 1:  # announced, so that every frame is read before any is answered
            frames.insert(0, wire.encode({"op": "batch", "count": len(requests)}))
        try:
            wire.write_frames(self.pipes[0], frames)
        except OSError as e:
            yield Failed(error=self._ended(str(e)))
            return
        for request in requests:
            yield self._receive(request)
            if self.lease is None:  # killed, or found dead: the rest go to a fresh process
                return

    def _receive(self, request: dict) -> Reply:
        """The answer to `request`, within the call time limit and what is left
        of the submission's, of its ANSWER_BYTES, validated (see answers.read).
        A malformed answer kills the process: the next requests go to a fresh one."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._kill()
            return failed("timeout", "the submission's time limit was used up")
        limit = min(self.call_timeout, left)
        budget = ANSWER_BYTES - self.received
        taken = self.answers.taken
        try:
            answer = wire.receive(self.answers, deadline=time.monotonic() + limit, max_bytes=min(wire.MAX_FRAME, budget))
        except wire.WireTimeout:
            self._kill()
            return failed("timeout", f"no answer within {limit:.1f} s (infinite loop?)")
        except (wire.WireClosed, OSError) as e:
            return Failed(error=self._ended(str(e)))
        except wire.WireTooLarge as e:
            self._kill()
            if e.size <= wire.MAX_FRAME:
                self.overspent = StudentError(
                    "protocol", f"the student's answers passed {ANSWER_BYTES // 2**20} MiB in all, the most the "
                                "grader reads from one submission: no more calls were made (are its outputs "
                                "far larger than the spec's shapes?)")
                return Failed(error=self.overspent)
            return malformed(str(e))
        except wire.WireError as e:
            self._kill()
            return malformed(str(e))
        finally:
            if self.answers is not None:
                self.received += self.answers.taken - taken
        reply = read(answer, request)
        if reply.error and reply.error.kind == "protocol":
            self._kill()
        self.kept.note(request, reply, self.process)
        return reply

    # --- the process ---------------------------------------------------------------

    def _spawn(self, first: dict) -> None:
        """Start a student process and send it its `first` request at once: it
        is read once the process is ready, which is waited for here."""
        source, files = submission_source(self.path, self.module, self.notebook and self.notebook.source)
        server = fork_server.shared()
        self.process += 1
        if not server.features.get("filesystem"):
            self.workdir = tempfile.mkdtemp(prefix="bpg-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        wire.binary(to_child_r, to_child_w, from_child_r, from_child_w)
        opened = [to_child_r, from_child_w, source]
        limits = {k: getattr(self.limits, k) for k in ("cpu", "memory", "file_size", "open_files",
                                                      "processes", "output")}
        name = self.path.name if self.notebook is None else f"{self.module}.py"
        request = {"limits": limits, "name": name, "workdir": self.workdir,
                   "support": self.support.name if self.support else None, "cores": allowed_cores()}
        if files is not None:  # the package's files, in the order of their bytes in `source`
            request |= {"name": package.module_file(self.module), "package": files}
        try:
            fds = [to_child_r, from_child_w, self.output.fileno(), source]
            if isinstance(server, Spawner):
                self.lease = server.spawn(request, fds, self.support)
            else:
                if self.support:
                    opened.append(os.open(self.support, os.O_RDONLY | os.O_DIRECTORY))
                self.lease = server.spawn(request, fds + opened[3:])
        finally:
            for fd in opened:
                os.close(fd)
        self.pipes, self.answers = (to_child_w, from_child_r), wire.deadline_reader(from_child_r)
        try:
            wire.send(to_child_w, first)
            ready = wire.receive(self.answers, deadline=time.monotonic() + 30)
        except (OSError, wire.WireError):  # a process that died setting up, or closed its end
            ready = None
        if not isinstance(ready, dict) or ready.get("ready") is not True:
            self._kill()
            raise SandboxError(f"a student process could not be set up:\n{self.captured_output()}")
        self.sealed = bool(ready.get("sealed"))

    def _ended(self, detail: str) -> StudentError:
        """The student's process stopped answering: say how it ended."""
        end = self.lease.wait(timeout=2.0) if self.lease else None
        self._kill()
        if end is None:
            return StudentError("crashed", f"the student's process stopped answering ({detail})")
        how, value = end
        if how == "exit":
            return StudentError("crashed", f"the student's process exited with code {value} (sys.exit or os._exit?)")
        name = _signal_name(value)
        if value in KILLED:
            return StudentError("timeout", f"the student's process was killed by {name}: it used up its CPU time "
                                           f"({self.limits.cpu:g} s)")
        if value in NATIVE_CRASH:
            return StudentError("crashed", f"the student's process was killed by signal {name} "
                                           "(a crash in native code, e.g. through ctypes, or a stack overflow)")
        return StudentError("crashed", f"the student's process was killed by signal {name}")

    def _kill(self, wait: bool = True) -> None:
        """Kill the student's process; with `wait`, return once it is gone (it
        must be, before its working directory is removed or a caller asks how it ended)."""
        if self.lease is not None:
            self.lease.kill(wait=wait or self.workdir is not None)
            self.lease = None
        if self.pipes:
            self.answers.stop()
            for fd in self.pipes:
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.pipes = self.answers = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
        self.loaded = None

    def mark_output(self) -> None:
        """Split what the student's processes print here: what they printed
        until now is read now (nothing they do later can change it), and what
        they print from now on is captured_output(since_mark=True)."""
        end = self._output_end()
        self.marked = (self._printed(0, end), end)

    def captured_output(self, since_mark: bool = False) -> str:
        """What the student's processes printed, up to the limit (before the
        mark, if one was made); or what they printed since the mark."""
        if self.marked is None:
            return "" if since_mark else self._printed(0, self._output_end())
        return self._printed(self.marked[1], self._output_end()) if since_mark else self.marked[0]

    def _output_end(self) -> int:
        """Where the output ends: the student's processes' writes moved the
        file's offset, which they share with this process (the file may be larger)."""
        return os.lseek(self.output.fileno(), 0, os.SEEK_CUR)

    def _printed(self, start: int, end: int) -> str:
        limit = self.limits.output
        size = max(0, min(end - start, 4 * limit + 4))
        data = self.output.read_at(size, start).decode("utf-8", "replace")
        return data if len(data) <= limit else data[:limit] + "\n[... output truncated]"

    def close(self) -> None:
        self._kill(wait=False)  # the fork server reaps it: the next submission need not wait for that
        self.output.close()


class Request(dict):
    """A call or a probe for the student's process. Its frame is encoded
    once, however many submissions it is sent to: a request planned for a
    shared case is the same for every student (see grading.Plan)."""

    @cached_property
    def frame(self) -> bytes:
        return wire.encode(self)


def call_request(function: str, args: dict, keep=None, updates=None, watch: bool = False,
                 caches: bool = False) -> Request:
    """A call; with `watch`, the student's process also reports signs of a
    numerical derivative; with `caches`, which of its layers' caches reached a backward."""
    watched = ({"watch": True} if watch else {}) | ({"caches": True} if caches else {})
    return Request(op="call", function=function, args=args, keep=keep, updates=updates, **watched)


def probe_request(function: str, args: dict, wrt: str, points, output=None, upstream=None,
                  direction=None, key=None) -> Request:
    """Values of a function at finite-difference points of argument `wrt`
    (of its array at `key`, where `wrt` is a dict or a list)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)  # one array on the wire, not a list of lists
    keyed = {} if key is None else {"key": key}
    return Request(op="probe", function=function, args=args, wrt=wrt, points=points, output=output,
                   upstream=upstream, direction=direction, **keyed)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
