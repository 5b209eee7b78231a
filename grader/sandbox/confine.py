"""What the operating system can enforce on a student's process, applied
through plain system calls (ctypes), each where the platform allows it:

- `isolate_server`: once, in the fork server. A user namespace (so the
  steps below need no privilege), a network namespace with nothing in it,
  a PID namespace (no process outside it can be named, so none can be
  signalled), an IPC namespace, and a mount namespace whose root is a fresh,
  read-only tree holding only what a student's process needs to run Python
  and numpy: no assignment, no reference, no other submission, no home
  directory. Where the grader runs as root, the user namespace also maps a
  range of unprivileged user ids, one for each student's process.
- `private_scratch`: per student process, a mount namespace of its own
  with an empty, size-capped tmpfs at /tmp, gone when the process dies, and
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
_libc = ctypes.CDLL(None, use_errno=True) if LINUX else None

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1
MIB = 2**20
SCRATCH = "/tmp"  # where a student's private scratch is mounted (moved if a visible path is under it)
# The user ids students' processes take where the grader runs as root: ids no account has, one per process
# at a time (a run has at most a few dozen at once), the same inside the user namespace and outside it.
BOX_UIDS = range(1_900_000_000, 1_900_000_000 + 65536)


def _arch() -> dict | None:
    return seccomp.ARCH.get(MACHINE) if LINUX else None


def _check(result: int, what: str) -> None:
    if result != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else os.fsencode(s)
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


# --- the fork server's view of the world -----------------------------------------

def isolate_server(visible: list[str], devices=("null", "zero", "random", "urandom")) -> dict[str, bool]:
    """Move this process (the fork server, before it forks anyone) into new
    user, network, PID and IPC namespaces and under a read-only root holding
    only the `visible` paths. Returns which of "network", "filesystem",
    "pids", "ipc" and "uids" took effect."""
    done = dict.fromkeys(("network", "filesystem", "pids", "ipc", "uids"), False)
    if _libc is None:
        return done
    uid, gid = os.getuid(), os.getgid()
    mapper = _IdMapper() if uid == 0 and _arch() is not None else None
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0:
        if mapper:
            mapper.give(0)
        if _libc.unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC) == 0:  # root without user namespaces
            done.update(network=True, ipc=True, pids=_start_init())
        elif _libc.unshare(CLONE_NEWNET) == 0:
            done["network"] = True
        return done
    done.update(network=True, ipc=True)
    try:
        if mapper and mapper.give(os.getpid()):
            done["uids"] = True
        else:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        done["pids"] = _start_init()
        _build_root(visible, devices)
        done["filesystem"] = True
    except OSError:
        pass  # a half-built root stays private to this namespace and is not used
    return done


class _IdMapper:
    """A process forked before the fork server enters its user namespace, so
    that it stays in the parent one, where (as root) it may map a range of
    ids into the new namespace: the server's own id, and BOX_UIDS."""

    def __init__(self):
        self.read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(write)
            os._exit(self._serve())
        os.close(self.read)
        self.write = write

    def _serve(self) -> int:
        try:
            target = int(os.read(self.read, 32) or b"0")
            if target <= 0:
                return 1
            for kind, own in (("uid", os.getuid()), ("gid", os.getgid())):
                _write(f"/proc/{target}/{kind}_map",
                       f"{own} {own} 1\n{BOX_UIDS.start} {BOX_UIDS.start} {len(BOX_UIDS)}\n")
            return 0
        except BaseException:
            return 1

    def give(self, pid: int) -> bool:
        """Map the ids of process `pid` (0: none); True once they are mapped."""
        os.write(self.write, str(pid).encode())
        os.close(self.write)
        _, status = os.waitpid(self.pid, 0)
        return pid > 0 and os.waitstatus_to_exitcode(status) == 0


def _start_init() -> bool:
    """Fork the first process of the new PID namespace (its pid 1, its
    init): the namespace lives as long as it does, and every process in it
    is killed when it ends. It ends with this one, and does nothing but reap
    the orphans a student's process may leave."""
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:
        try:
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            os.closerange(0, max_fd())
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # orphans are reaped by the kernel
            while True:
                signal.pause()
        finally:
            os._exit(0)
    return True


def max_fd() -> int:
    """One more than the highest descriptor this process may hold."""
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


def _build_root(visible: list[str], devices) -> None:
    global SCRATCH
    paths = sorted({os.path.abspath(p) for p in visible if os.path.lexists(p)})
    outer = [p for p in paths if not any(p.startswith(q.rstrip("/") + "/") for q in paths if q != p)]
    if any(p == "/tmp" or p.startswith("/tmp/") for p in outer):  # e.g. a checkout or a venv under /tmp
        SCRATCH = "/scratch"
    devices = [f"/dev/{name}" for name in devices if os.path.exists(f"/dev/{name}")]
    # Each source is opened before the new root is mounted, so that no mount can hide it.
    sources = {p: os.open(p, os.O_PATH | os.O_NOFOLLOW) for p in outer + devices if not _top_link(p)}
    try:
        _enter_root(outer + devices, sources)
    finally:
        for fd in sources.values():
            try:
                os.close(fd)
            except OSError:
                pass


def _enter_root(paths: list[str], sources: dict[str, int]) -> None:
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    new = "/tmp"  # any directory will do as the mount point: the host's /tmp is not touched
    _mount("bpg-root", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path in paths:
        target = new + path
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if _top_link(path):  # /lib -> usr/lib and the like
            os.symlink(os.readlink(path), target)
            continue
        if os.path.isdir(f"/proc/self/fd/{sources[path]}"):
            os.makedirs(target, exist_ok=True)
        else:
            open(target, "a").close()
        _mount(f"/proc/self/fd/{sources[path]}", target, None, MS_BIND | MS_REC)
    os.makedirs(new + SCRATCH, exist_ok=True)
    os.chdir(new)
    _check(_libc.syscall(ctypes.c_long(_arch()["deny"]["pivot_root"]), b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    _read_only("/")


def _top_link(path: str) -> bool:
    return os.path.islink(path) and os.path.dirname(path) == "/"


def _read_only(root: str) -> None:
    """Every mount under `root` read-only: one call where the kernel has
    mount_setattr (5.12+), else a remount of each, keeping its locked flags."""
    class MountAttr(ctypes.Structure):
        _fields_ = [("set", ctypes.c_uint64), ("clr", ctypes.c_uint64),
                    ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]
    attr = MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    if _libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), -100, os.fsencode(root), AT_RECURSIVE,
                     ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    with open("/proc/self/mountinfo") as f:
        targets = [line.split()[4] for line in f]
    for target in targets:
        kept = 0
        flags = os.statvfs(target).f_flag
        for st, ms in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                       (os.ST_NOATIME, 1024), (os.ST_NODIRATIME, 2048), (os.ST_RELATIME, 1 << 21)):
            if flags & st:
                kept |= ms
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


# --- one student's process ---------------------------------------------------------

def private_scratch(size_mib: int, owner: int | None = None) -> str:
    """A mount namespace of this process's own, with an empty tmpfs at
    SCRATCH (where the fork server's read-only root keeps an empty directory),
    owned by `owner` if given; and an IPC namespace of its own."""
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    owned = f",uid={owner},gid={owner}" if owner is not None else ""
    _mount("bpg-scratch", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(1, size_mib)}m,mode=0700{owned}")
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
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)


def apply_rlimits(cpu: float, memory_mib: int, file_mib: int, open_files: int, processes: bool) -> None:
    cpu_s = max(1, int(-(-cpu // 1)))
    limits = [(resource.RLIMIT_CPU, cpu_s, cpu_s + 1), (resource.RLIMIT_FSIZE, file_mib * MIB, file_mib * MIB),
              (resource.RLIMIT_NOFILE, open_files, open_files), (resource.RLIMIT_CORE, 0, 0)]
    if hasattr(resource, "RLIMIT_AS"):
        limits.append((resource.RLIMIT_AS, memory_mib * MIB, memory_mib * MIB))
    if not processes and hasattr(resource, "RLIMIT_NPROC"):
        limits.append((resource.RLIMIT_NPROC, 0, 0))  # per user, and ignored for root: seccomp does it there
    for which, soft, hard in limits:
        try:
            _, old_hard = resource.getrlimit(which)
            if old_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, old_hard), min(hard, old_hard)
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass


def seal(processes: bool) -> bool:
    """Drop every capability, forbid new privileges and install the seccomp
    filter. True when the filter is in force."""
    if _libc is None:
        return False
    header, data = _capability_sets()
    _libc.capset(header, data)
    if _arch() is None or _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return seccomp.program_for(MACHINE, processes).install(_libc, os.getpid())


@functools.cache
def _capability_sets():
    """capset's arguments that leave this process no capability."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    return header, (ctypes.c_uint32 * 6)()


def prepare_seal() -> None:
    """Build, in the fork server, everything a student process's `seal` and
    `private_scratch` need but its pid (building it there costs each student
    process about half a millisecond, mostly in first uses of ctypes)."""
    if _libc is None:
        return
    for name in ("capset", "prctl", "unshare", "mount", "umount2", "syscall"):
        getattr(_libc, name)  # looked up once; ctypes keeps them
    _capability_sets()
    if _arch() is not None:
        for processes in (False, True):
            seccomp.program_for(MACHINE, processes)
