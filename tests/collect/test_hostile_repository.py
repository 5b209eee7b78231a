"""A student's repository built to run something, or to write outside its
folder, when it is collected: hooks for every event, its configuration
naming commands (fsmonitor, filters, upload-pack's hook, ...), a filter and
Git LFS in .gitattributes, a submodule, symbolic links out of the folder,
and trees git would never check out (`..`, `.git`). Each command would
touch a file in a folder of marks; after collecting, that folder is empty
and every file collected is a regular file inside the student's folder."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import run_cli
from student_repos import BEFORE, DEADLINE, commit, git, new_repo, repositories_csv

HOOKS = ["applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
         "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
         "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
         "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "fsmonitor-watchman",
         "post-index-change", "upload-pack", "post-upload-pack"]
LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 12\n"


def touch(marks: Path, name: str) -> str:
    return f"touch {marks / name}"


def crafted_tree(repo: Path, base: str) -> str:
    """The tree of commit `base` with entries no git would check out: `..`,
    `.git/hooks/post-checkout`, `.GIT/config`, and `d` both a link and a folder."""
    def blob(text: str) -> bytes:
        return bytes.fromhex(git(repo, "hash-object", "-w", "--stdin", input=text.encode()))

    def tree(entries: list[tuple[str, str, bytes]]) -> bytes:
        raw = b"".join(f"{mode} {name}".encode() + b"\0" + oid for mode, name, oid in entries)
        return bytes.fromhex(git(repo, "hash-object", "-t", "tree", "--literally", "-w", "--stdin", input=raw))

    hooks = tree([("100755", "post-checkout", blob("#!/bin/sh\necho pwned\n"))])
    dot_git = tree([("40000", "hooks", hooks)])
    inner = tree([("100644", "x", blob("under a link\n"))])
    listing = git(repo, "ls-tree", base).splitlines()
    kept = [(meta.split()[0], name, bytes.fromhex(meta.split()[2]))
            for meta, name in (line.split("\t", 1) for line in listing)]
    root = tree(kept + [("100644", "..", blob("up\n")), ("40000", ".git", dot_git),
                        ("100644", ".GIT", blob("[core]\n")), ("120000", "d", blob("/etc")), ("40000", "d", inner)])
    return root.hex()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    marks = tmp / "marks"
    marks.mkdir()
    other = new_repo(tmp / "submodule")
    sub = commit(other, {"x.py": "# a submodule's file\n"}, BEFORE)
    repo = new_repo(tmp / "students" / "mallory")
    (repo / "escape").symlink_to("/etc")
    (repo / "answers.py").symlink_to("../../../reference.py")
    commit(repo, {"ner_window.py": "def score():\n    return 1\n",
                  ".gitattributes": "* filter=evil\n*.bin filter=lfs diff=lfs merge=lfs -text\n",
                  ".gitmodules": f'[submodule "lib"]\n\tpath = lib\n\turl = {other}\n', "data.bin": LFS_POINTER},
           BEFORE)
    git(repo, "add", "escape", "answers.py")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sub},lib")
    git(repo, "commit", "--quiet", "-m", "links and a submodule", when=BEFORE)
    root = crafted_tree(repo, "HEAD")
    crafted = git(repo, "commit-tree", root, "-p", "HEAD", "-m", "crafted", when=BEFORE)
    git(repo, "update-ref", "refs/heads/main", crafted)
    # then the settings and hooks that would run a command, were git to obey them
    for key, value in {"core.fsmonitor": touch(marks, "fsmonitor"), "core.hooksPath": str(repo / ".git" / "hooks"),
                       "core.sshCommand": touch(marks, "ssh"), "core.pager": touch(marks, "pager"),
                       "core.alternateRefsCommand": touch(marks, "alternate-refs"),
                       "uploadpack.packObjectsHook": touch(marks, "pack-objects-hook"),
                       "filter.evil.smudge": touch(marks, "smudge"), "filter.evil.clean": touch(marks, "clean"),
                       "filter.evil.process": touch(marks, "process"), "filter.lfs.smudge": touch(marks, "lfs"),
                       "filter.lfs.process": touch(marks, "lfs-process"), "filter.evil.required": "true",
                       "diff.external": touch(marks, "diff"), "credential.helper": "!" + touch(marks, "credential"),
                       "core.askPass": touch(marks, "askpass"), "submodule.recurse": "true"}.items():
        git(repo, "config", key, value)
    for hook in HOOKS:
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\n{touch(marks, 'hook-' + hook)}\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    listed = repositories_csv(tmp / "repositories.csv", {
        "mallory": str(repo), "ext": f"ext::sh -c {touch(marks, 'ext').replace(' ', '% ')}",
        "option": f"--upload-pack={touch(marks, 'upload-pack')}"})
    into = tmp / "submissions" / "ner_window"
    run = run_cli("grade", "collect", listed, "--deadline", DEADLINE, "--into", into)
    return tmp, marks, into, run


def test_nothing_of_the_repository_runs(hostile):
    tmp, marks, _, run = hostile
    assert run.returncode == 0, run.stderr
    assert sorted(os.listdir(marks)) == []


def test_every_file_is_a_regular_file_inside_the_students_folder(hostile):
    tmp, _, into, _ = hostile
    folder = into / "mallory"
    written = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*")}
    assert sorted(written) == [".gitattributes", ".gitmodules", "answers.py", "d", "data.bin", "escape",
                               "ner_window.py"]
    assert all(not p.is_symlink() and p.is_file() for p in written.values())
    assert written["escape"].read_text(encoding="utf-8") == "/etc"
    assert written["answers.py"].read_text(encoding="utf-8") == "../../../reference.py"
    assert written["d"].read_text(encoding="utf-8") == "/etc"
    # as committed: no filter, no line-ending conversion, the LFS pointer as stored
    assert written["ner_window.py"].read_bytes() == b"def score():\n    return 1\n"
    assert written["data.bin"].read_text(encoding="utf-8") == LFS_POINTER
    assert sorted(os.listdir(into)) == ["collection.json", "mallory"]
    assert sorted(os.listdir(tmp)) == ["marks", "repositories.csv", "students", "submissions", "submodule"]


def test_what_was_left_out_is_noted(hostile):
    _, _, into, run = hostile
    [entry] = json.loads((into / "collection.json").read_text(encoding="utf-8"))["submissions"]
    assert sorted(entry["notes"]) == sorted([
        "..: not written (a path through . or .. or /)",
        ".GIT: not written (a path through .git)",
        ".git/hooks/post-checkout: not written (a path through .git)",
        "answers.py: a symbolic link, written as a file holding where it leads",
        "d: a symbolic link, written as a file holding where it leads",
        "d/x: not written (a file of the same name, or of its folder's, is there)",
        "data.bin: a Git LFS pointer, written as it is (LFS files are not fetched)",
        "escape: a symbolic link, written as a file holding where it leads",
        "lib: a submodule, not fetched",
    ])
    assert "  note: lib: a submodule, not fetched" in run.stdout.splitlines()


def test_a_repository_that_names_a_command_is_refused(hostile):
    _, _, into, run = hostile
    problems = {e["submission"]: e["problem"] for e in json.loads(
        (into / "collection.json").read_text(encoding="utf-8"))["not_collected"]}
    assert problems == {
        "ext": "git's transport::address form is not collected from: give an https or ssh URL, or a folder",
        "option": "not a git URL or a folder (it starts with -)"}


def test_git_itself_refuses_a_transport_that_runs_a_command(tmp_path):
    """Beneath the list's own check: the scratch repository allows no transport but https, http, ssh, git and file."""
    from grader.collect.deadline import default_branch
    from grader.collect.git import GitError, Scratch
    (tmp_path / "scratch").mkdir()
    with pytest.raises(GitError, match="transport 'ext' not allowed"):
        default_branch(Scratch(tmp_path / "scratch"), f"ext::sh -c {touch(tmp_path, 'ran').replace(' ', '% ')}")
    assert not (tmp_path / "ran").exists()
