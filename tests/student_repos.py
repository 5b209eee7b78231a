"""Students' git repositories made on the spot: real repositories (git
init), each commit with the committer time a test gives it, as a student's
machine would write it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

DEADLINE = "2025-03-14T23:00:00+00:00"
BEFORE = "2025-03-14T21:30:00+00:00"
AFTER = "2025-03-15T09:00:00+00:00"

# git as a student runs it, with none of this machine's own configuration
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Student",
           "GIT_AUTHOR_EMAIL": "student@example.edu", "GIT_COMMITTER_NAME": "Student",
           "GIT_COMMITTER_EMAIL": "student@example.edu"}


def git(repo: Path, *args: str, when: str | None = None, input: bytes | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, input=input,
                          timeout=60, check=True)
    return done.stdout.decode().strip()


def new_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True)
    git(path, "init", "--quiet", f"--initial-branch={branch}")
    return path


def commit(repo: Path, files: dict[str, str | bytes], when: str, message: str = "work") -> str:
    """Write `files` (a path in the repository: its text) and commit them at `when`; the commit's id."""
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        git(repo, "add", "--", name)
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


def repositories_csv(path: Path, rows: dict[str, str]) -> Path:
    path.write_text("submission,repository\n" + "".join(f"{name},{repo}\n" for name, repo in rows.items()),
                    encoding="utf-8")
    return path
