"""What self-check says of a return value of the wrong form: an array
returned as nested lists is told to be converted (not taken for several
values), and several values where one is declared are counted."""
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
