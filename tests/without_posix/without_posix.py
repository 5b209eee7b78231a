"""Makes this Python look like one on a platform without POSIX (Windows),
for the tests of the student-facing commands: the POSIX-only modules
cannot be imported, `os` has none of its POSIX-only functions (fork,
pread, writev, killpg, memfd_create, ...), and select() is taken not to
wait on pipes. Every Python this one starts as the sandbox does (`python
-I -c ...`, which ignores PYTHONPATH) is made the same way, so that the
student's process runs without them too.

Imported by sitecustomize.py, from PYTHONPATH; the folder holds nothing else."""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKED = {"fcntl", "resource", "termios", "pwd", "grp", "pty", "tty", "posix_ipc", "seccomp", "pyseccomp",
           "_posixshmem"}
POSIX_ONLY = ("fork", "forkpty", "register_at_fork", "writev", "readv", "pread", "pwrite", "killpg", "setsid",
              "memfd_create", "sched_setaffinity", "sched_getaffinity", "waitid", "setresuid", "setresgid",
              "setgroups")


class Blocked(importlib.abc.MetaPathFinder):
    """Finds the POSIX-only modules missing, as Windows does; marks the
    sandbox's wire module as on a platform where select() cannot wait on pipes."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        if name == "grader.sandbox.wire":
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is not None:
                spec.loader = WithoutSelectOnPipes(spec.loader)
            return spec
        return None


class WithoutSelectOnPipes(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        module.SELECT_ON_PIPES = False


def _started_the_same_way(popen_init):
    """Popen.__init__ that makes a `python -I -c CODE` of this interpreter import this module first."""
    def init(self, args, *rest, **kwargs):
        if isinstance(args, list) and len(args) > 4 and args[0] == sys.executable and args[1] == "-I":
            k = args.index("-c") + 1
            prefix = f"import sys; sys.path.insert(0, {HERE!r}); import without_posix; del sys.path[0]; "
            args = args[:k] + [prefix + args[k]] + args[k + 1:]
        popen_init(self, args, *rest, **kwargs)
    return init


for _name in BLOCKED:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, Blocked())
for _name in POSIX_ONLY:
    if hasattr(os, _name):
        delattr(os, _name)
subprocess.Popen.__init__ = _started_the_same_way(subprocess.Popen.__init__)
