"""Running one submission in a child process: start it, load the student's
module, send calls, enforce the time limits and kill it when it overruns.
Everything it returns is plain data for the checks to judge."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import wire
from .spec import Limits

OUTPUT_LIMIT = 20_000  # characters of the student's stdout/stderr kept for the report
# Starts the child with only the grader package importable from where it lives;
# the entry is removed again before any student code runs.
BOOT = ("import sys; sys.path.insert(0, sys.argv[3]); from grader import child; "
        "del sys.path[0]; child.serve(int(sys.argv[1]), int(sys.argv[2]))")


@dataclass
class StudentError:
    kind: str      # exception, syntax, missing_module, exit, timeout, crashed, protocol
    message: str
    type: str = ""
    traceback: str = ""

    def describe(self) -> str:
        return self.traceback or (f"{self.type}: {self.message}" if self.type else self.message)


@dataclass
class Reply:
    ok: bool
    data: dict = field(default_factory=dict)
    error: StudentError | None = None


class Sandbox:
    """One student's process. Requests that time out or crash it restart it
    for the next request, so one broken function cannot sink the others."""

    def __init__(self, path: Path, module: str, limits: Limits, hide: list[Path]):
        self.path, self.module = Path(path).resolve(), module
        self.call_timeout = limits.call_timeout
        self.deadline = time.monotonic() + limits.timeout
        self.hide = [str(p) for p in hide]
        self.process: subprocess.Popen | None = None
        self.workdir = tempfile.TemporaryDirectory(prefix="bpg-")
        self.output = open(Path(self.workdir.name) / ".output", "w+b")
        self.loaded: Reply | None = None
        self.failed_load: Reply | None = None  # an import that failed once is not retried

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- requests -------------------------------------------------------------

    def load(self) -> Reply:
        """Start the child and import the submission; the reply lists its functions."""
        if self.failed_load:
            return self.failed_load
        if self.process is None:
            self._spawn()
            self.loaded = self._request({"op": "load", "path": str(self.path), "module": self.module,
                                         "hide": self.hide})
            if not self.loaded.ok:
                self.failed_load = self.loaded
                self._kill()
                return self.failed_load
        return self.loaded

    def call(self, function: str, args: dict) -> Reply:
        return self._request_loaded({"op": "call", "function": function, "args": args})

    def probe(self, function: str, args: dict, wrt: str, points: list, output=None, upstream=None,
              direction=None) -> Reply:
        return self._request_loaded({"op": "probe", "function": function, "args": args, "wrt": wrt,
                                     "points": points, "output": output, "upstream": upstream,
                                     "direction": direction})

    def _request_loaded(self, message: dict) -> Reply:
        loaded = self.load()
        if not loaded.ok:
            return loaded
        return self._request(message)

    def _request(self, message: dict) -> Reply:
        left = self.deadline - time.monotonic()
        if left <= 0:
            return Reply(False, error=StudentError("timeout", "the submission's time limit was used up"))
        limit = min(self.call_timeout, left)
        try:
            wire.send(self.to_child, message)
            reply = wire.receive(self.from_child, deadline=time.monotonic() + limit)
        except wire.WireTimeout:
            self._kill()
            return Reply(False, error=StudentError("timeout", f"no answer within {limit:.1f} s (infinite loop?)"))
        except (wire.WireError, OSError) as e:
            return Reply(False, error=self._crash(str(e)))
        if not isinstance(reply, dict) or "ok" not in reply:
            self._kill()
            return Reply(False, error=StudentError("protocol", "the student's process sent a malformed answer"))
        if reply["ok"]:
            return Reply(True, data=reply)
        err = reply.get("error") or {}
        return Reply(False, error=StudentError(str(err.get("kind", "exception")), str(err.get("message", "")),
                                               str(err.get("type", "")), str(err.get("traceback", ""))))

    # --- the process ---------------------------------------------------------------

    def _spawn(self) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        grader_root = str(Path(__file__).resolve().parent.parent)
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT, str(child_read), str(child_write), grader_root],
            pass_fds=(child_read, child_write), cwd=self.workdir.name, stdin=subprocess.DEVNULL,
            stdout=self.output, stderr=self.output, start_new_session=True, env=_clean_env())
        os.close(child_read)
        os.close(child_write)
        self.from_child, self.to_child = parent_read, parent_write

    def _crash(self, detail: str) -> StudentError:
        code = self.process.wait(timeout=5) if self.process else None
        self._kill()
        if code is not None and code < 0:
            how = f"was killed by signal {signal.Signals(-code).name}"
        elif code is not None:
            how = f"exited with code {code} (sys.exit or os._exit?)"
        else:
            how = f"stopped answering ({detail})"
        return StudentError("crashed", f"the student's process {how}")

    def _kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for fd in (self.from_child, self.to_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process = None
        self.loaded = None

    def captured_output(self) -> str:
        self.output.flush()
        self.output.seek(0)
        data = self.output.read(OUTPUT_LIMIT + 1).decode("utf-8", "replace")
        return data if len(data) <= OUTPUT_LIMIT else data[:OUTPUT_LIMIT] + "\n[... output truncated]"

    def close(self) -> None:
        self._kill()
        self.output.close()
        self.workdir.cleanup()


def _clean_env() -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env
