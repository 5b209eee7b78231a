"""A path given longer than the system allows (ENAMETOOLONG) is a usage
error, whichever command and option it is given to: exit 2 and one line
naming it, never a traceback."""
from __future__ import annotations

import errno

import pytest

from conftest import ROOT

JACOBIANS = ROOT / "submissions" / "jacobians"
LONG = "n" * 300

COMMANDS = {
    "grade a folder": ("grade", [LONG]),
    "grade a file": ("grade", [f"{LONG}.py", "--assignment", "jacobians"]),
    "grade --assignment": ("grade", [JACOBIANS, "--assignment", LONG]),
    "grade --compare-with": ("grade", [JACOBIANS, "--compare-with", LONG]),
    "grade --out": ("grade", [JACOBIANS, "--out", LONG]),
    "validate": ("grade", ["validate", LONG]),
    "publish": ("grade", ["publish", LONG]),
    "starter": ("grade", ["starter", LONG]),
    "handout": ("grade", ["handout", LONG]),
    "new": ("grade", ["new", LONG]),
    "merge": ("grade", ["merge", LONG]),
    "export": ("grade", ["export", "--to", "csv", LONG, "--out", "x.csv"]),
    "self-check a file": ("self-check", [f"{LONG}.py", "--assignment", "jacobians"]),
    "self-check --assignment": ("self-check", [JACOBIANS / "alan.py", "--assignment", LONG]),
}


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_a_path_too_long_is_a_usage_error_naming_it(cli, tmp_path, case):
    tool, args = COMMANDS[case]
    run = cli(tool, *args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
    assert LONG in run.stderr and "File name too long" in run.stderr
    assert not [p for p in tmp_path.rglob("*") if not p.is_dir()]   # nothing written


def _raise(error: OSError) -> int:
    raise error


@pytest.mark.parametrize("error", [OSError(errno.EACCES, "Permission denied", "reports"),
                                   OSError(errno.ENAMETOOLONG, "File name too long")])
def test_other_os_errors_are_not_taken_for_usage_errors(error):
    """A fault with no path given, or another errno, keeps its traceback."""
    from grader.cli.exits import run
    with pytest.raises(OSError):
        run(lambda: _raise(error))
