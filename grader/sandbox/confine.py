"""What the operating system can enforce on a student's process, applied
through plain system calls (ctypes), each where the platform allows it:

- once, in the fork server, before it forks any: its own namespaces and a
  read-only root (server_isolation.py), and ready-made what every student
  process's `seal` needs (`prepare_seal`).
- `private_scratch`: per student process, a mount namespace of its own
  with an empty, size-capped tmpfs at SCRATCH, gone when the process dies, and
  an IPC namespace of its own, whose segments and queues die with it.
- `become_box_user`: per student process, where ids were mapped: a user id
  of its own, which may signal no other process and owns no file outside
  its scratch.
- `apply_rlimits`: CPU seconds, address space, file size, open files,
  processes, no core files.
- `seal`: no capabilities, no new privileges, and the seccomp filter of
  seccomp.py.

Everything here is best effort by design: each step reports whether it
took effect, and the grading process says what is in force."""
from __future__ import annotations

import ctypes
import functools
import os
import platform
import resource
import signal
import sys

from . import seccomp

LINUX = sys.platform.startswith("linux")
MACHINE = platform.machine()
libc = ctypes.CDLL(None, use_errno=True) if LINUX else None

CLONE_NEWNS, CLONE_NEWIPC = 0x00020000, 0x08000000
MS_NOSUID, MS_NODEV = 2, 4
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
MIB = 2**20
SCRATCH = "/tmp"  # where a student's private scratch is mounted (see place_scratch)
# The user ids students' processes take where the grader runs as root: ids no account has, one per process
# at a time (a run has at most a few dozen at once), the same inside the user namespace and outside it.
BOX_UIDS = range(1_900_000_000, 1_900_000_000 + 65536)


def arch() -> dict | None:
    """The seccomp table of this machine's architecture, where one is known."""
    return seccomp.ARCH.get(MACHINE) if LINUX else None


def check(result: int, what: str) -> None:
    """Raise OSError, naming `what`, for a failed libc call."""
    if result != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    """mount(2), raising OSError on failure."""
    enc = lambda s: None if s is None else os.fsencode(s)
    check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def place_scratch(shown: list[str]) -> str:
    """Set and return SCRATCH, where a student's scratch is mounted: /tmp,
    unless one of the paths `shown` to students lies under it (a checkout
    or a venv under /tmp, say); /scratch then."""
    global SCRATCH
    if any(p == "/tmp" or p.startswith("/tmp/") for p in shown):
        SCRATCH = "/scratch"
    return SCRATCH


def max_fd() -> int:
    """One more than the highest descriptor this process may hold."""
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


# --- one student's process ---------------------------------------------------------

def private_scratch(size_mib: int, owner: int | None = None) -> str:
    """A mount namespace of this process's own, with an empty tmpfs at
    SCRATCH (where the fork server's read-only root keeps an empty directory),
    owned by `owner` if given; and an IPC namespace of its own."""
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    owned = f",uid={owner},gid={owner}" if owner is not None else ""
    mount("bpg-scratch", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(1, size_mib)}m,mode=0700{owned}")
    return SCRATCH


def become_box_user(uid: int) -> None:
    """Take the user and group id `uid` (one of BOX_UIDS) and no other group:
    the kernel then refuses this process any signal to another process, by
    any road, and any file it does not own or may not read as a stranger.
    Changing ids clears the parent-death signal, so it is set again."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    die_with_parent()


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that forked it ends."""
    if libc is not None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def apply_rlimits(cpu: float, memory_mib: int, file_mib: int, open_files: int, processes: bool) -> list[str]:
    """Cap CPU seconds, address space, file size and open files, and forbid core files (and new processes
    unless `processes`), never above a hard limit already in force. Returns the names of the limits set
    (the kernel may still not enforce one: macOS ignores the address space's)."""
    cpu_s = max(1, int(-(-cpu // 1)))
    limits = [("cpu", resource.RLIMIT_CPU, cpu_s, cpu_s + 1), ("file_size", resource.RLIMIT_FSIZE, file_mib * MIB,
                                                                 file_mib * MIB),
              ("open_files", resource.RLIMIT_NOFILE, open_files, open_files), ("core", resource.RLIMIT_CORE, 0, 0)]
    if hasattr(resource, "RLIMIT_AS"):
        limits.append(("memory", resource.RLIMIT_AS, memory_mib * MIB, memory_mib * MIB))
    if not processes and hasattr(resource, "RLIMIT_NPROC"):
        limits.append(("processes", resource.RLIMIT_NPROC, 0, 0))  # per user, ignored for root: seccomp does it there
    applied = []
    for name, which, soft, hard in limits:
        try:
            _, old_hard = resource.getrlimit(which)
            if old_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, old_hard), min(hard, old_hard)
            resource.setrlimit(which, (soft, hard))
            applied.append(name)
        except (ValueError, OSError):
            pass
    return applied


def seal(processes: bool) -> bool:
    """Drop every capability, forbid new privileges and install the seccomp
    filter. True when the filter is in force."""
    if libc is None:
        return False
    header, data = _capability_sets()
    libc.capset(header, data)
    if arch() is None or libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return seccomp.program_for(MACHINE, processes).install(libc, os.getpid())


@functools.cache
def _capability_sets():
    """capset's arguments that leave this process no capability."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    return header, (ctypes.c_uint32 * 6)()


def prepare_seal() -> None:
    """Build, in the fork server, everything a student process's `seal` and
    `private_scratch` need but its pid (building it there costs each student
    process about half a millisecond, mostly in first uses of ctypes)."""
    if libc is None:
        return
    for name in ("capset", "prctl", "unshare", "mount", "umount2", "syscall"):
        getattr(libc, name)  # looked up once; ctypes keeps them
    _capability_sets()
    if arch() is not None:
        for processes in (False, True):
            seccomp.program_for(MACHINE, processes)
