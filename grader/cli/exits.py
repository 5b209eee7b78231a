"""How every command's expected errors become exit codes and one line on
stderr: a usage or spec error is 2 (a path given longer than the system
allows among them), an interrupted run 130; and a reader
that stops reading (`| head`) ends no run (closed_pipe.py). It imports next
to nothing of the grader, so that a command imports only what it uses."""
from __future__ import annotations

import atexit
import errno
import os
import sys
from typing import Callable, NoReturn

from .closed_pipe import reader_may_leave


def run(command: Callable[[], int]) -> int:
    """`command()`'s exit code, or the code of the error it raised (printed)."""
    from ..cases.discover import UsageError
    from ..names import for_log
    from ..spec import SpecError
    try:
        with reader_may_leave():   # `grade ... | head`: no BrokenPipeError, and the run goes on
            return command()
    except (UsageError, SpecError) as e:
        print(f"error: {for_log(str(e))}", file=sys.stderr)  # it may name a student's file
        return 2
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG or not isinstance(e.filename, (str, bytes)):
            raise   # a fault of the grader or the machine: its traceback says where
        print(f"error: {for_log(os.fsdecode(e.filename))}: {e.strerror}; give a shorter path", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: results graded so far are saved; run again to grade the rest", file=sys.stderr)
        return 130


def exit_at_once(code: int) -> NoReturn:
    """End the process with `code` once its exit handlers have run (the fork
    server's end, waited for, among them) and its output is flushed, but
    without the interpreter's teardown, which frees every module and object
    one by one: some 50 ms that a student waited for after self-check had
    printed its last line."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a reader that has gone, a stream already closed: nothing to flush into
            pass
    os._exit(code)
