"""The command line: `grade` for instructors and CI, `self-check` for students
(and `%self_check` inside Jupyter: in_notebook.py).

Exit codes: 0 when grading completed, whatever the scores (self-check: when
every public check passed); 1 when a self-check found a problem; 2 for a
usage or spec error.

This module imports next to nothing: a command that runs students' code
starts the fork server (a Python importing numpy: a tenth of a second)
first, so that it starts while the commands' own modules are imported."""
from __future__ import annotations

import os
import sys

from ..sandbox import fork_server

# Subcommands of `grade` that never run a student's code.
NO_STUDENT_CODE = {"publish", "schema", "validate", "new", "starter", "merge", "handout", "export", "collect"}


def grade_main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not (argv and argv[0] in NO_STUDENT_CODE) and not {"-h", "--help"} & set(argv):
        fork_server.shared()
    from . import commands
    return commands.grade_main(argv)


def self_check_command() -> None:
    """The `self-check` console command: the checks, then an exit that skips
    the interpreter's teardown (exits.exit_at_once).

    Its process is its own, so pydantic is told to load no plugins (a
    setting the student made is kept): the grader's models want none, and
    looking for them reads every installed distribution's entry points
    when the first model is built, which in a course's conda environment of
    hundreds of packages takes some 20 ms, and an installed plugin may
    import far more."""
    from .exits import exit_at_once
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    exit_at_once(self_check_main())


def self_check_main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not {"-h", "--help"} & set(argv):
        fork_server.shared()
    from . import self_check
    return self_check.self_check_main(argv)
