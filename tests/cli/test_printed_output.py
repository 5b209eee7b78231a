"""What a student's code prints while `self-check` or the pytest plugin
checks it is shown after the checks (its code runs in a process of its
own, so nothing else would show it): the first lines, and how many more."""
from __future__ import annotations

from conftest import correct_source, copy_assignment, run_cli, write_submission
from ways_in import run_pytest

CHATTY = correct_source() + '''

_score = score


def score(x, W, b, u):
    print("score sees x of shape", x.shape)
    for i in range(30):
        print("debug line", i)
    return _score(x, W, b, u)
'''


def test_self_check_shows_what_the_code_printed_and_how_much_more(tmp_path):
    write_submission(tmp_path / "ner_window.py", CHATTY)
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 0, out + err
    section = out.split("What your code printed while it was checked:\n", 1)[1].split("\n\nScore on", 1)[0]
    lines = section.splitlines()
    assert lines[0] == "  | score sees x of shape (15,)" and lines[1] == "  | debug line 0"
    assert len(lines) == 41 and lines[-1] == "  [... 22 more lines]"   # 2 calls of 31 lines: 40 shown


def test_a_silent_file_gets_no_such_section(tmp_path):
    write_submission(tmp_path / "ner_window.py", correct_source())
    code, out, err = run_cli("self-check", "ner_window.py", cwd=tmp_path)
    assert code == 0 and "What your code printed" not in out


def test_the_pytest_plugin_shows_it_in_its_summary(tmp_path):
    copy_assignment(tmp_path / "hw", without=("reference.py",))
    write_submission(tmp_path / "ner_window.py", CHATTY)
    run, _ = run_pytest(tmp_path, "--assignment", "hw", "ner_window.py")
    assert run.returncode == 0, run.stdout
    assert "  What your code printed while it was checked:\n    | score sees x of shape (15,)" in run.stdout
