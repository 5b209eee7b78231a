"""The fork server imports nothing but its own modules, the standard library
and numpy: never the grading side's libraries nor the rest of the grader,
which a student's code could otherwise reach, or patch, through
sys.modules. A student's process is forked from the server and holds what
the server held, so a submission graded through the real runner reports its
sys.modules, and the test reads them from the outside."""
from __future__ import annotations

import pytest

from grader.sandbox import fork_server
from grader.sandbox.runner import Sandbox
from grader.spec import Limits

REPORTER = '''\
import sys


def modules(x):
    print(" ".join(sorted(sys.modules)))
    return 0
'''

GRADING_LIBRARIES = ("pydantic", "pydantic_core", "jinja2", "markupsafe", "pytest", "_pytest", "hypothesis", "yaml",
                     "jsonschema")
GRADING_SIDE = ("grader.sandbox.runner", "grader.sandbox.answers", "grader.sandbox.trusted",
                "grader.sandbox.fork_server", "grader.sandbox.spawner")


def held_modules(tmp_path) -> set[str]:
    """The names in sys.modules of a student process that runs REPORTER."""
    path = tmp_path / "reporter.py"
    path.write_text(REPORTER, encoding="utf-8")
    with Sandbox(path, "reporter", Limits(output=100_000), []) as box:
        assert box.load().ok
        reply = box.call("modules", {"x": 0})
        assert reply.ok, reply.error
        return set(box.captured_output().split())


def test_a_student_process_holds_no_grading_library_and_no_grader_module_beyond_the_sandbox(tmp_path):
    if not isinstance(fork_server.shared(), fork_server.ForkServer):
        pytest.skip("no fork server here: each student process is a fresh Python")
    held = held_modules(tmp_path)
    assert {"numpy", "grader.sandbox.student", "grader.sandbox.server_loop"} <= held  # what it should hold
    assert {name.split(".")[0] for name in held} & set(GRADING_LIBRARIES) == set()
    grader = {name for name in held if name.split(".")[0] == "grader"}
    assert {name for name in grader if name != "grader" and not name.startswith("grader.sandbox")} == set()
    assert grader & set(GRADING_SIDE) == set()
