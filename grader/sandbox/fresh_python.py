"""How the sandbox starts a Python of its own (the fork server, or a
student process where no fork server can run): isolated (`-I`: no user
site, no PYTHON* variables), writing no bytecode, from a scrubbed
environment, with only this checkout's grader importable."""
from __future__ import annotations

import os
import sys
from pathlib import Path

GRADER_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds the grader package


def clean_env() -> dict:
    """The few variables Python and numpy need (on Windows, SYSTEMROOT too:
    Python cannot start without it), and numpy's thread pools set to one thread."""
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def command(module: str, call: str, args: list[str]) -> list[str]:
    """The command line of a Python that imports grader.sandbox.`module`
    and runs `module.call`, with `args` as sys.argv[1:]. The grader's folder
    is on sys.path only while the module is imported."""
    code = (f"import sys; sys.path.insert(0, {GRADER_ROOT!r}); from grader.sandbox import {module}; "
            f"del sys.path[0]; {module}.{call}")
    return [sys.executable, "-I", "-B", "-c", code, *args]
