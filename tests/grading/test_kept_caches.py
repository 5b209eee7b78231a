"""A forward is called once per case: its own graded call's cache feeds
every call of its backward on the case. The backward's own call takes a
copy of the cache, made in the student's process, and the calls that
follow (another upstream gradient, linearity, zero, the same when called
again) take the cache as the forward left it. A cache kept in a process
that another function's timeout or crash ended is made again in the next
one. Graded through the real `grade` on layers files whose relu functions
are replaced; the verdicts, and what the student's code printed, are the
witnesses."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, edit_spec, replace_functions, sources_grades

LAYERS = ROOT / "assignments" / "layers"
CORRECT = (ROOT / "submissions" / "layers" / "emmy.py").read_text(encoding="utf-8")

# the first call right, every call after it on the same cache wrong: the backward spoils its cache
SPOILS_ITS_CACHE = replace_functions(CORRECT, relu_backward='''
def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    x -= 100.0
    return dx
''')

# a correct forward that says each time it is called
COUNTS_ITS_CALLS = replace_functions(CORRECT, relu_forward='''
def relu_forward(x):
    print("relu_forward called")
    return np.maximum(x, 0), x
''')

# caches a copy cannot be made of: passed as they are, and graded as any other
UNCOPYABLE = {
    "holds_a_generator": replace_functions(CORRECT, relu_forward='''
def relu_forward(x):
    return np.maximum(x, 0), (x, (i for i in range(3)))
''', relu_backward='''
def relu_backward(dout, cache):
    return dout * (cache[0] > 0)
'''),
    "refuses_to_be_copied": replace_functions(CORRECT, relu_forward='''
class Cache:
    def __init__(self, x):
        self.x = x

    def __deepcopy__(self, memo):
        raise RuntimeError("not this one")


def relu_forward(x):
    return np.maximum(x, 0), Cache(x)
''', relu_backward='''
def relu_backward(dout, cache):
    return dout * (cache.x > 0)
'''),
}


def checks_of(grades: dict, student: str, function: str) -> dict[str, set[str]]:
    """Each check's name with the statuses it took on the function's cases."""
    [f] = [f for f in grades[student]["functions"] if f["name"] == function]
    statuses: dict[str, set[str]] = {}
    for c in f["checks"]:
        statuses.setdefault(c["name"], set()).add(c["status"])
    return statuses


@pytest.fixture(scope="module")
def grades(tmp_path_factory) -> dict:
    return sources_grades(tmp_path_factory.mktemp("caches"), LAYERS,
                          {"spoils_its_cache": SPOILS_ITS_CACHE, "correct": CORRECT, "counts_its_calls": COUNTS_ITS_CALLS,
                           **UNCOPYABLE})


def test_the_backward_call_gets_a_copy_and_the_next_call_the_cache_as_made(grades):
    checks = checks_of(grades, "spoils_its_cache", "relu_backward")
    assert checks["dx gradient"] == {"passed"}
    assert checks["dx with another dout"] == {"passed"}   # the original, which the first call did not touch
    assert checks["dx the same when called again"] == {"failed"}   # ... but the second call did


def test_a_cache_that_cannot_be_copied_is_graded_as_any_other(grades):
    for student in UNCOPYABLE:
        relu = [f for f in grades[student]["functions"] if f["name"].startswith("relu")]
        assert [(f["score"], f["max_score"]) for f in relu] == [(f["max_score"], f["max_score"]) for f in relu], student
        assert grades[student]["score"] == grades["correct"]["score"], student


def test_a_forward_is_called_once_per_case(grades):
    counted = grades["counts_its_calls"]
    assert counted["score"] == grades["correct"]["score"]
    # its graded call on each case, and nothing more: relu_backward's calls take that call's cache
    assert counted["output"].count("relu_forward called") == 2           # the public cases
    assert counted["hidden_output"].count("relu_forward called") == 3    # the hidden ones


# a function that ends its process, by an infinite loop (killed at the call time limit) or a crash, after
# other forwards' calls have kept their caches there: the calls after it go to a fresh process. Each
# file, with the functions that lose their points (a backward loses its own with its forward's).
ENDS_ITS_PROCESS = {
    "forward_loops": (replace_functions(CORRECT, relu_forward='''
def relu_forward(x):
    while True:
        pass
'''), {"relu_forward", "relu_backward"}),
    "forward_crashes": (replace_functions(CORRECT, relu_forward='''
def relu_forward(x):
    import os
    os._exit(3)
'''), {"relu_forward", "relu_backward"}),
    # every call crashes: each backward called after it needs its caches made again (13/28 before)
    "backward_crashes": (replace_functions(CORRECT, affine_backward='''
def affine_backward(dout, cache):
    import os
    os._exit(5)
'''), {"affine_backward"}),
}


@pytest.fixture(scope="module")
def restarted(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("restarts") / "layers"
    shutil.copytree(LAYERS, folder, ignore=shutil.ignore_patterns("__pycache__", ".pool"))
    edit_spec(folder, ("call_timeout = 20", "call_timeout = 1"))
    return sources_grades(folder.parent, folder, {name: source for name, (source, _) in ENDS_ITS_PROCESS.items()})


@pytest.mark.parametrize("student", ENDS_ITS_PROCESS)
def test_a_cache_lost_with_its_process_is_made_again(restarted, student):
    broken = ENDS_ITS_PROCESS[student][1]
    scores = {f["name"]: (f["score"], f["max_score"]) for f in restarted[student]["functions"]}
    assert {name for name, (score, most) in scores.items() if score < most} == broken
    assert all(scores[name][0] == 0 for name in broken)
