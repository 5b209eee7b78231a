"""The composite action and the example workflows: actionlint accepts them
(and checks every use of the action against action.yml's inputs), and the
action's own commands, run by bash with the GitHub environment files set as
a runner sets them, leave the outputs, the step summary and the annotations
a workflow relies on."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conftest import CLI_TIMEOUT, ROOT, SUBMISSIONS, cli_env, copy_assignment, line_of
from notebooks import class_cells, write_notebook
from student_repos import AFTER, BEFORE, DEADLINE, commit, new_repo

ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "examples" / "github"
OWN_WORKFLOWS = ROOT / ".github" / "workflows"   # the project's own CI
PUBLISHED = "your-org/backprop-grader@v1"   # how the examples name the action


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def workflows() -> list[Path]:
    return sorted(EXAMPLES.glob("*/.github/workflows/*.yml"))


# --- actionlint ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def actionlint() -> str:
    beside = Path(sys.executable).parent / "actionlint"   # installed with the test extra into this environment
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if found is None:
        reason = "actionlint is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; it is required when CI=true")
        pytest.skip(reason)
    return found


def action_as_workflow(action: dict) -> dict:
    """The action's steps as a reusable workflow, so that actionlint checks
    them too: its inputs become workflow_call inputs of the same names."""
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", "")}
              for name, spec in action["inputs"].items()}
    steps = [{k: v for k, v in step.items()} for step in action["runs"]["steps"]]
    return {"name": "action steps", "on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": steps}}}


def lint_project(actionlint: str, root: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """actionlint over a repository holding action.yml at its root and the
    example workflows, which use it as `./` (so their inputs are checked)."""
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    shutil.copy(ACTION, root / "action.yml")
    for path in workflows():
        (folder / f"{path.parent.parent.parent.name}-{path.name}").write_text(
            path.read_text(encoding="utf-8").replace(PUBLISHED, "./"), encoding="utf-8")
    (folder / "action-steps.yml").write_text(yaml.safe_dump(action_as_workflow(load(ACTION)), sort_keys=False),
                                             encoding="utf-8")
    for path in OWN_WORKFLOWS.glob("*.yml"):
        shutil.copy(path, folder / f"own-{path.name}")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=60)
    return subprocess.run([actionlint, "-no-color"], cwd=root, capture_output=True, text=True, timeout=120)


def test_examples_use_the_action_and_are_where_a_repository_keeps_workflows():
    names = sorted(p.relative_to(EXAMPLES).as_posix() for p in workflows())
    assert names == ["instructor/.github/workflows/collect.yml", "instructor/.github/workflows/grade.yml",
                     "student/.github/workflows/classroom.yml"]
    for path in workflows():
        assert PUBLISHED in path.read_text(encoding="utf-8"), path


def test_action_and_workflows_pass_actionlint(actionlint, tmp_path):
    run = lint_project(actionlint, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_student_facing_tests_run_on_windows_and_macos():
    """The project's own workflow runs the tests marked student_facing (a
    marker pyproject.toml registers) on the platforms students use."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        markers = tomllib.load(f)["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("student_facing:") for m in markers)
    [job] = load(OWN_WORKFLOWS / "student-platforms.yml")["jobs"].values()
    assert set(job["strategy"]["matrix"]["os"]) == {"windows-latest", "macos-latest"}
    [tests] = [step["run"] for step in job["steps"] if "pytest" in step.get("run", "")]
    assert "-m student_facing" in tests


def test_actionlint_checks_the_inputs_given_to_the_action(actionlint, tmp_path):
    wrong = ("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: ./\n        with:\n          submision: x.py\n")
    run = lint_project(actionlint, tmp_path, {"wrong.yml": wrong})
    assert run.returncode == 1
    assert 'input "submision" is not defined in action "backprop-grader"' in run.stdout


def test_the_student_workflow_is_what_classroom_reads():
    wf = load(EXAMPLES / "student" / ".github" / "workflows" / "classroom.yml")
    assert wf["name"] == "Autograding Tests" and list(wf["jobs"]) == ["run-autograding-tests"]
    steps = wf["jobs"]["run-autograding-tests"]["steps"]
    [grader] = [s for s in steps if s.get("uses") == PUBLISHED]
    [reporter] = [s for s in steps if "autograding-grading-reporter" in s.get("uses", "")]
    assert grader["with"]["mode"] == "self-check"
    # the reporter reads <RUNNER>_RESULTS for each runner id it is given
    runner = reporter["with"]["runners"]
    assert runner == grader["id"]
    assert reporter["env"] == {f"{runner.upper()}_RESULTS": "${{ steps.%s.outputs.result }}" % grader["id"]}


def test_the_instructor_workflow_grades_every_shard_then_merges_them():
    wf = load(EXAMPLES / "instructor" / ".github" / "workflows" / "grade.yml")
    grade, merge = wf["jobs"]["grade"], wf["jobs"]["merge"]
    shards = grade["strategy"]["matrix"]["shard"]
    [step] = [s for s in grade["steps"] if s.get("uses") == PUBLISHED]
    n = int(step["with"]["shard"].rsplit("/", 1)[1])
    assert shards == list(range(1, n + 1)) and str(n) in grade["name"]
    assert merge["needs"] == "grade"
    [upload] = [s for s in merge["steps"] if "upload-artifact" in s.get("uses", "")]
    [merging] = [s for s in merge["steps"] if s.get("uses") == PUBLISHED]
    assert merging["with"]["out"] in upload["with"]["path"]


def test_the_deadline_workflow_collects_at_its_deadline_and_publishes_what_it_graded():
    wf = load(EXAMPLES / "instructor" / ".github" / "workflows" / "collect.yml")
    [job] = wf["jobs"].values()
    [step] = [s for s in job["steps"] if s.get("uses") == PUBLISHED]
    deadline = datetime.fromisoformat(step["with"]["deadline"]).astimezone(timezone.utc)
    [schedule] = wf[True]["schedule"]   # YAML reads the key `on` as true
    assert schedule["cron"].split()[:4] == [str(deadline.minute), str(deadline.hour), str(deadline.day),
                                            str(deadline.month)]
    assert step["with"]["collect"] and step["with"]["submissions"] == "submissions/ner_window"
    [publish] = [s for s in job["steps"] if "git push" in s.get("run", "")]
    assert f"git add --force {step['with']['submissions']} {step['with']['out']}/ner_window" in publish["run"]
    assert wf["permissions"] == {"contents": "write"}
    assert "advisory" in (EXAMPLES / "student" / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")


# --- the action's commands, run as a runner runs them -----------------------------------


@pytest.fixture(scope="module")
def action() -> dict:
    return load(ACTION)


def test_the_action_is_composite_with_its_inputs_and_outputs(action):
    assert action["runs"]["using"] == "composite"
    assert {"submissions", "assignment", "python-version", "formats"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"score", "max-score", "result"}
    for name, output in action["outputs"].items():
        assert output["value"] == "${{ steps.grade.outputs.%s }}" % name
    install = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    assert "${{ github.action_path }}" in install["env"].values()


@pytest.fixture(scope="module")
def shims(tmp_path_factory) -> Path:
    """`grade` and `self-check` commands on PATH, running this checkout with this interpreter."""
    folder = tmp_path_factory.mktemp("bin")
    for tool, main in (("grade", "grade_main"), ("self-check", "self_check_command")):
        path = folder / tool
        code = f"import sys; from grader.cli import {main}; sys.argv[0] = {tool!r}; raise SystemExit({main}())"
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$@"\n', encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return folder


class Step:
    """What a run of the action's grading step left behind."""

    def __init__(self, run: subprocess.CompletedProcess, files: Path):
        self.returncode, self.stdout, self.stderr = run.returncode, run.stdout, run.stderr
        self.summary = (files / "summary.md").read_text(encoding="utf-8") if (files / "summary.md").exists() else ""
        output = (files / "output").read_text(encoding="utf-8") if (files / "output").exists() else ""
        self.outputs = dict(line.split("=", 1) for line in output.splitlines())

    @property
    def result(self) -> dict:
        return json.loads(base64.b64decode(self.outputs["result"]).decode("utf-8"))


def run_step(action: dict, shims: Path, workspace: Path, step_env: dict[str, str] | None = None,
             **inputs: str) -> Step:
    """The `grade` step's script with its env resolved from `inputs` (else
    the defaults), in `workspace`, as a runner would run it; `step_env`, the
    env a workflow gives the step that uses the action."""
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "grade")
    given = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"the action has no inputs {unknown}"
    given.update(inputs)

    def resolve(value: str) -> str:
        value = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: given[m.group(1)], value)
        assert "${{" not in value, value
        return value

    files = Path(tempfile.mkdtemp(prefix="runner-files-", dir=workspace.parent))   # fresh per step, as on a runner
    env = cli_env({**(step_env or {}), **{name: resolve(value) for name, value in step["env"].items()}})
    env.update(PATH=f"{shims}{os.pathsep}{env['PATH']}", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace),
               GITHUB_OUTPUT=str(files / "output"), GITHUB_STEP_SUMMARY=str(files / "summary.md"))
    run = subprocess.run([step["shell"], "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                         cwd=workspace, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                         stdin=subprocess.DEVNULL)
    return Step(run, files)


@pytest.fixture(scope="module")
def class_repo(tmp_path_factory) -> Path:
    """An instructor's repository: two submissions of ner_window."""
    repo = tmp_path_factory.mktemp("instructor") / "repo"
    folder = repo / "submissions" / "ner_window"
    folder.mkdir(parents=True)
    for name in ("ada.py", "transposed_dw.py"):
        shutil.copy(SUBMISSIONS / name, folder / name)
    return repo


def test_grading_a_class_sets_the_outputs_and_appends_the_summary(action, shims, class_repo):
    step = run_step(action, shims, class_repo, submissions="submissions")
    assert step.returncode == 0, step.stdout + step.stderr
    assert (step.outputs["score"], step.outputs["max-score"]) == ("25", "26")
    result = step.result
    assert result["status"] == "fail" and result["max_score"] == 26
    assert [t["name"] for t in result["tests"]][:2] == ["ada: window_vectors", "ada: window_vectors_backward"]

    assert step.summary.startswith("## Window-based NER classifier: gradients by hand: 2 submissions")
    assert "| transposed_dw | 12/13 |" in step.summary
    line = line_of(class_repo / "submissions/ner_window/transposed_dw.py", "def ner_loss_and_grads")
    assert (f"::error file=submissions/ner_window/transposed_dw.py,line={line},"
            f"title=ner_loss_and_grads%3A 4/5 points::dW shape: on public case 1") in step.stdout
    reports = class_repo / "reports" / "ner_window"
    for name in ("index.html", "grades.json", "grades.csv", "junit.xml", "summary.md", "classroom.json"):
        assert (reports / name).is_file(), name


def test_a_students_public_checks_report_points_and_do_not_fail_the_step(action, shims, tmp_path):
    repo = tmp_path / "student"
    copy_assignment(repo / "assignment", without=("reference.py",))
    shutil.copy(SUBMISSIONS / "transposed_dw.py", repo / "ner_window.py")
    step = run_step(action, shims, repo, submissions="ner_window.py", assignment="assignment", mode="self-check",
                    formats="junit")
    assert step.returncode == 0, step.stdout + step.stderr
    assert (step.outputs["score"], step.outputs["max-score"]) == ("12", "13")

    result = step.result
    assert result["status"] == "fail" and result["max_score"] == 13
    tests = {t["name"]: t for t in result["tests"]}
    assert list(tests) == ["window_vectors", "window_vectors_backward", "score", "score_grads", "ner_loss_and_grads"]
    loss = tests["ner_loss_and_grads"]
    assert (loss["status"], loss["score"], loss["filename"]) == ("fail", 4.0, "ner_window.py")
    assert loss["line_no"] == line_of(repo / "ner_window.py", "def ner_loss_and_grads")
    assert loss["message"].startswith("dW shape: on public case 1: dW has shape (15, 7)")
    # what Classroom's reporter will show
    assert f"Points {sum(t['score'] for t in result['tests']):g}/{result['max_score']:g}" == "Points 12/13"

    assert step.summary.startswith("## Window-based NER classifier: gradients by hand: 12/13 points")
    assert "`ner_window.py`, public checks" in step.summary
    assert "hidden checks were not run here" in step.summary
    assert f"::error file=ner_window.py,line={loss['line_no']}," in step.stdout
    assert (repo / "reports" / "ner_window" / "junit.xml").is_file()


def test_a_students_notebook_is_checked_and_annotated_by_cell(action, shims, tmp_path):
    repo = tmp_path / "student"
    copy_assignment(repo / "assignment", without=("reference.py",))
    write_notebook(repo / "ner_window.ipynb", class_cells())
    step = run_step(action, shims, repo, submissions="ner_window.ipynb", assignment="assignment", mode="self-check")
    assert step.returncode == 0, step.stdout + step.stderr
    assert (step.outputs["score"], step.outputs["max-score"]) == ("4", "13")
    tests = {t["name"]: t for t in step.result["tests"]}
    assert (tests["ner_loss_and_grads"]["filename"], tests["ner_loss_and_grads"]["line_no"]) == ("ner_window.ipynb", 0)
    assert 'File "ner_window.ipynb", cell 5, line 2, in ner_loss_and_grads' in tests["ner_loss_and_grads"]["message"]
    # a notebook's lines are not the file's: the annotation names the file, and its title the cell and line
    assert "::error file=ner_window.ipynb,title=ner_loss_and_grads%3A 0/5 points (cell 5%2C line 1)::" in step.stdout


def test_a_usage_error_fails_the_step(action, shims, tmp_path):
    tmp_path.joinpath("repo").mkdir()
    step = run_step(action, shims, tmp_path / "repo", submissions="nothing.py", mode="self-check")
    assert step.returncode == 2
    assert "nothing.py: no such file" in step.stderr
    step = run_step(action, shims, tmp_path / "repo", mode="grade-everything")
    assert step.returncode == 2 and "::error title=backprop-grader::mode must be grade or self-check" in step.stdout


def test_shards_then_merge_through_the_action(action, shims, class_repo, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(class_repo / "submissions", repo / "submissions")
    for k in (1, 2):
        step = run_step(action, shims, repo, submissions="submissions/ner_window", shard=f"{k}/2",
                        formats="json", out=f"shards/shard-{k}")
        assert step.returncode == 0, step.stdout + step.stderr
    step = run_step(action, shims, repo, merge="shards/*", formats="json csv", out="merged")
    assert step.returncode == 0, step.stdout + step.stderr
    assert (step.outputs["score"], step.outputs["max-score"]) == ("25", "26")
    merged = (repo / "merged" / "ner_window" / "grades.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in merged] == ["student", "ada", "transposed_dw"]


def test_collecting_at_the_deadline_then_grading_through_the_action(action, shims, tmp_path):
    """collect.yml's step: the students' repositories, named by their
    github.com URLs, are reached through the git setting the workflow puts
    in the step's environment (here a URL rewritten to a folder, where the
    workflow adds its token), collected at the deadline and graded."""
    students = tmp_path / "students"
    ada = new_repo(students / "ada")
    on_time = commit(ada, {"ner_window.py": (SUBMISSIONS / "ada.py").read_text(encoding="utf-8")}, BEFORE)
    commit(ada, {"ner_window.py": (SUBMISSIONS / "transposed_dw.py").read_text(encoding="utf-8")}, AFTER)
    repo = tmp_path / "repo"
    (repo / "repositories").mkdir(parents=True)
    (repo / "repositories" / "ner_window.csv").write_text(
        "submission,repository\nada,https://github.com/classroom/ner-window-ada\n", encoding="utf-8")
    git_setting = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{ada}.insteadOf",
                   "GIT_CONFIG_VALUE_0": "https://github.com/classroom/ner-window-ada"}
    step = run_step(action, shims, repo, step_env=git_setting, collect="repositories/ner_window.csv",
                    deadline=DEADLINE, submissions="submissions/ner_window")
    assert step.returncode == 0, step.stdout + step.stderr
    assert f"ada: {on_time[:12]} of {BEFORE} on main; 1 later commit left out" in step.stdout
    assert (step.outputs["score"], step.outputs["max-score"]) == ("13", "13")
    grades = json.loads((repo / "reports" / "ner_window" / "grades.json").read_text(encoding="utf-8"))
    assert [(s["student"], s["commit"]) for s in grades["submissions"]] == [("ada", on_time)]

    step = run_step(action, shims, repo, collect="repositories/ner_window.csv", submissions="submissions/ner_window")
    assert step.returncode == 2 and "::error title=backprop-grader::collect needs a deadline" in step.stdout
