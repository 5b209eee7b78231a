"""`grade gradescope` as Gradescope runs it: an upload in <root>/submission,
results.json in <root>/results, the root given by $AUTOGRADER_ROOT (here a
temporary folder standing in for /autograder)."""
from __future__ import annotations

import json

from conftest import SUBMISSIONS
from ways_in import autograder, check_gradescope_fields, results


def test_grades_the_upload_and_writes_results_json(cli, tmp_path):
    root = autograder(tmp_path / "autograder", {"ner_window.py": SUBMISSIONS / "transposed_dw.py"},
                      {"id": 7, "users": [{"email": "bob@example.edu", "name": "Bob", "id": "3"}]})
    run = cli("grade", "gradescope", "--assignment", "ner_window", env={"AUTOGRADER_ROOT": str(root)})
    assert run.returncode == 0, run.stderr
    assert "12/13" in run.stdout

    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == 12.0
    scored = [t for t in data["tests"] if "max_score" in t]
    assert [t["name"] for t in scored] == ["window_vectors", "window_vectors_backward", "score", "score_grads",
                                           "ner_loss_and_grads"]
    assert sum(t["score"] for t in scored) == 12.0 and sum(t["max_score"] for t in scored) == 13.0

    failed = [t for t in data["tests"] if t.get("status") == "failed" and "max_score" not in t]
    assert {t["name"] for t in failed} == {"ner_loss_and_grads › dW shape", "ner_loss_and_grads › dW shape (hidden)"}
    visibility = {t["name"]: t["visibility"] for t in failed}
    assert visibility == {"ner_loss_and_grads › dW shape": "visible",
                          "ner_loss_and_grads › dW shape (hidden)": "after_published"}
    assert all("Diagnosis: dW is transposed" in t["output"] for t in failed)
    # every hidden check is held back until the grades are published
    hidden = [t for t in data["tests"] if t["name"].endswith("(hidden)")]
    assert hidden and all(t["visibility"] == "after_published" for t in hidden)
    # the seed replays the run; it comes from who submitted, so a resubmission gets the same hidden cases
    seed = data["extra_data"]["seed"]
    assert f"Seed {seed}" in data["output"]
    again = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
    assert again.returncode == 0 and results(root)["extra_data"]["seed"] == seed


def test_finds_the_module_in_a_subfolder_and_takes_explicit_paths(cli, tmp_path):
    root = autograder(tmp_path / "ag", {"hw/ner_window.py": SUBMISSIONS / "ada.py", "__MACOSX/ner_window.py": "x ="})
    out = tmp_path / "elsewhere" / "results.json"
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--submission", root / "submission",
              "--results", out, "--seed", "5")
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["score"] == 13.0 and data["extra_data"]["seed"] == 5
    assert all(t.get("status", "passed") == "passed" for t in data["tests"])


def test_a_results_folder_gets_results_json_in_it(cli, tmp_path):
    root = autograder(tmp_path / "ag", {"ner_window.py": SUBMISSIONS / "ada.py"})
    (tmp_path / "out").mkdir()
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root, "--results", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["score"] == 13.0
    assert f"wrote {tmp_path / 'out' / 'results.json'}" in run.stdout


def test_an_upload_without_the_module_scores_zero_and_says_what_to_upload(cli, tmp_path):
    root = autograder(tmp_path / "ag", {"my_answer.py": SUBMISSIONS / "ada.py", "notes.txt": "hi"})
    run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
    assert run.returncode == 0, run.stderr
    data = results(root)
    check_gradescope_fields(data)
    assert data["score"] == 0.0
    assert data["output"].startswith("No file named ner_window.py or ner_window.ipynb was found in your submission "
                                     "(it holds: my_answer.py, notes.txt). Upload your work as ner_window.py or "
                                     "ner_window.ipynb.")


def test_a_misconfigured_autograder_still_writes_results(cli, tmp_path):
    root = autograder(tmp_path / "ag", {"ner_window.py": SUBMISSIONS / "ada.py"})
    run = cli("grade", "gradescope", "--assignment", "no_such_assignment", "--root", root)
    assert run.returncode == 2
    assert "no assignment 'no_such_assignment'" in run.stderr
    data = results(root)
    assert data["score"] == 0.0 and "tell your instructor" in data["output"]


def test_metadata_that_names_no_submitter_is_warned_of_in_the_log(cli, tmp_path):
    root = autograder(tmp_path / "ag", {"ner_window.py": SUBMISSIONS / "ada.py"},
                      {"id": 7, "users": [{"email": "bob@example.edu"}]})
    first = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
    assert first.returncode == 0 and "warning" not in first.stdout
    bobs = results(root)["extra_data"]["seed"]
    seeds = set()
    for text, said in [("[1, 2", "not a JSON object with users (JSONDecodeError)"),
                       ("[]", "not a JSON object with users (AttributeError)"),
                       ('{"users": []}', "it names no user")]:
        (root / "submission_metadata.json").write_text(text, encoding="utf-8")
        run = cli("grade", "gradescope", "--assignment", "ner_window", "--root", root)
        assert run.returncode == 0, run.stderr
        assert (f"warning: {root / 'submission_metadata.json'}: {said}; the hidden cases are those every upload "
                "without a submitter gets") in run.stdout
        seeds.add(results(root)["extra_data"]["seed"])
    assert len(seeds) == 1 and bobs not in seeds   # one shared seed for every upload without a submitter
