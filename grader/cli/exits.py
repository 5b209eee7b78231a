"""How every command's expected errors become exit codes and one line on
stderr: a usage or spec error is 2, an interrupted run 130; and a reader
that stops reading (`| head`) ends no run (closed_pipe.py). It imports next
to nothing of the grader, so that a command imports only what it uses."""
from __future__ import annotations

import sys
from typing import Callable

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
    except KeyboardInterrupt:
        print("interrupted: results graded so far are saved; run again to grade the rest", file=sys.stderr)
        return 130
