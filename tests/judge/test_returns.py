"""What self-check says of what went wrong in a call: a return value of the
wrong form (an array returned as nested lists is told to be converted, not
taken for several values; several values where one is declared are
counted), and an error the sandbox's walls caused (a thread, input()),
with what it means."""
from __future__ import annotations

import pytest

from conftest import correct_source, replace_functions, run_cli, write_submission

WINDOW_VECTORS = '''
def window_vectors(windows, L):
    X = L[windows].reshape(windows.shape[0], -1)
    return {returned}
'''


@pytest.mark.parametrize("returned, said", [
    ("X.tolist()", "window_vectors returned X as a list of 9 rows; expected a numpy array (convert it with np.array)"),
    ("tuple(map(tuple, X))", "window_vectors returned X as a tuple of 9 rows; expected a numpy array"),
    ("X, X.shape", "window_vectors returned a tuple of 2 items; expected X alone"),
])
def test_a_return_of_the_wrong_form_is_named_for_what_it_is(tmp_path, returned, said):
    source = replace_functions(correct_source(), window_vectors=WINDOW_VECTORS.format(returned=returned))
    write_submission(tmp_path / "ner_window.py", source)
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 1
    assert said in out, out[:1500]


@pytest.mark.parametrize("body, hint", [
    ("    import threading\n    t = threading.Thread(target=print)\n    t.start()\n",
     "The grader runs your code with no threads or processes of its own (its sandbox allows none)"),
    ("    input('W? ')\n", "input() reads nothing here: the grader gives your code no keyboard"),
])
def test_an_error_from_the_sandboxs_walls_says_what_it_means(tmp_path, body, hint):
    score = "def score(x, W, b, u):\n" + body + "    return float(np.dot(u, sigmoid(W.dot(x) + b)))\n"
    write_submission(tmp_path / "ner_window.py", replace_functions(correct_source(), score=score))
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 1
    assert hint in out, out[:3000]
