"""git, run on a student's repository without trusting it.

A student's repository is never opened as a repository here: it is only
ever the remote of a scratch repository of the grader's own, made empty
(no template, so no hooks) in a temporary folder. Every command names that
scratch repository explicitly (no search upwards for a `.git`, and no
GIT_DIR or GIT_WORK_TREE of the caller's), and runs with settings that keep
anything from running on a repository's say:

- hooks: `core.hooksPath` is /dev/null, and the scratch repository has none;
- the repository's own configuration: never read (a remote's `.git/config`
  is not fetched; where the remote is a folder on this machine, git's
  upload-pack reads it, and git itself refuses, from a repository's own
  configuration, any setting that would run a command there);
- transports: https, http, ssh, git and local folders only; `ext::`, which
  runs a command named in the URL, and every other is refused;
- submodules and Git LFS: never fetched (no recursion; no checkout, so no
  filter runs; tree.py writes each file's bytes as stored);
- no terminal prompt: a repository that asks for credentials fails at once;
- every command has a time limit.

The user's own git configuration (global and system) is kept: it holds how
to authenticate (a credential helper, or `url.<base>.insteadOf` with a
token, also from GIT_CONFIG_COUNT/KEY/VALUE variables, as a workflow sets)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

TIMEOUT = 300   # seconds for one git command: a fetch of a large repository over a slow link

SAFE = [
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.symlinks=false",
    "-c", "protocol.allow=never",
    *[arg for name in ("https", "http", "ssh", "git", "file") for arg in ("-c", f"protocol.{name}.allow=always")],
    "-c", "fetch.recurseSubmodules=false",
    "-c", "submodule.recurse=false",
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
]

# Variables that would point git at another repository, index or object store than the one named.
LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                      "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_SHALLOW_FILE",
                      "GIT_GRAFT_FILE", "GIT_REPLACE_REF_BASE", "GIT_TEMPLATE_DIR", "GIT_PREFIX")


class GitError(Exception):
    """A git command failed; the message is git's own, its credentials hidden."""


def git_found() -> bool:
    return shutil.which("git") is not None


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCATION_VARIABLES}
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", GIT_LFS_SKIP_SMUDGE="1",
               GIT_NO_REPLACE_OBJECTS="1")
    return env


def hide_credentials(text: str) -> str:
    """`text` with the password of every `scheme://user:password@` in it replaced by ***."""
    return re.sub(r"(://[^/\s:@]*):[^/\s@]*@", r"\1:***@", text)


class Scratch:
    """An empty repository of the grader's own, in `folder`, that one
    student's repository is fetched into."""

    def __init__(self, folder: Path):
        self.git_dir = Path(folder) / "scratch.git"
        template = Path(folder) / "no-template"
        template.mkdir()
        self.run("init", "--quiet", "--bare", f"--template={template}", str(self.git_dir), scratch=False)

    def run(self, *args: str, scratch: bool = True) -> str:
        """git `args` on the scratch repository; its output (git's message in a GitError if it fails)."""
        return self.run_bytes(*args, scratch=scratch).decode("utf-8", "replace")

    def run_bytes(self, *args: str, scratch: bool = True) -> bytes:
        where = [f"--git-dir={self.git_dir}"] if scratch else []
        try:
            done = subprocess.run(["git", *SAFE, *where, *args], capture_output=True, env=environment(),
                                  stdin=subprocess.DEVNULL, timeout=TIMEOUT, cwd=self.git_dir.parent)
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} took longer than {TIMEOUT} seconds") from None
        if done.returncode != 0:
            raise GitError(last_lines(done.stderr.decode("utf-8", "replace")) or f"git {args[0]} failed")
        return done.stdout

    def cat_file(self) -> subprocess.Popen:
        """`git cat-file --batch` on the scratch repository, for tree.py to read blobs from."""
        return subprocess.Popen(["git", *SAFE, f"--git-dir={self.git_dir}", "cat-file", "--batch"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=environment(), cwd=self.git_dir.parent)

    def shallow(self) -> set[str]:
        """The commits whose parents were not fetched (the edge of a shallow fetch)."""
        path = self.git_dir / "shallow"
        return set(path.read_text(encoding="ascii").split()) if path.is_file() else set()


def last_lines(stderr: str, n: int = 3) -> str:
    """What git said went wrong: its `fatal:`, `error:` and `remote:` lines
    (else its last lines), at most `n`, credentials hidden, and a hint where
    it asked for credentials it was not given."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    said = [line for line in lines if line.startswith(("fatal:", "error:", "remote:"))] or lines
    text = hide_credentials(" / ".join(said[:n]))
    if "terminal prompts disabled" in text or "Authentication failed" in text:
        text += " (git needs credentials to read this repository: see README, Collecting at the deadline)"
    return text
