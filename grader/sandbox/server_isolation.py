"""The fork server's own walls, raised once as it starts, before it forks
any student process: a user namespace (so the steps that follow need no
privilege), a network namespace with nothing in it, a PID namespace (no
process outside it can be named, so none can be signalled), an IPC
namespace, and a mount namespace whose root is a fresh, read-only tree
holding only what a student's process needs to run Python and numpy: no
assignment, no reference, no other submission, no home directory. Where
the grader runs as root, the user namespace also maps a range of
unprivileged user ids (confine.BOX_UIDS), one for each student's process.

Two helper processes are forked on the way: an IdMapper, which stays
outside the new user namespace to map those ids into it, and the new PID
namespace's init. Each step is best effort: `isolate_server` says which
took effect."""
from __future__ import annotations

import ctypes
import os
import signal

from . import confine
from .confine import (BOX_UIDS, CLONE_NEWIPC, CLONE_NEWNS, MS_NODEV, MS_NOSUID, PR_SET_PDEATHSIG, arch, check, libc,
                      max_fd, mount)

CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1


def isolate_server(visible: list[str], devices=("null", "zero", "random", "urandom")) -> dict[str, bool]:
    """Move this process (the fork server, before it forks anyone) into new
    user, network, PID and IPC namespaces and under a read-only root holding
    only the `visible` paths. Returns which of "network", "filesystem",
    "pids", "ipc" and "uids" took effect."""
    done = dict.fromkeys(("network", "filesystem", "pids", "ipc", "uids"), False)
    if libc is None:
        return done
    uid, gid = os.getuid(), os.getgid()
    mapper = IdMapper() if uid == 0 and arch() is not None else None
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0:
        if mapper:
            mapper.give(0)
        if libc.unshare(CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC) == 0:  # root without user namespaces
            done.update(network=True, ipc=True, pids=start_pid_init())
        elif libc.unshare(CLONE_NEWNET) == 0:
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
        done["pids"] = start_pid_init()
        _build_root(visible, devices)
        done["filesystem"] = True
    except OSError:
        pass  # a half-built root stays private to this namespace and is not used
    return done


class IdMapper:
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
        """In the mapper: wait for a pid, write its id maps; the exit code says whether they were."""
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


def start_pid_init() -> bool:
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
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            os.closerange(0, max_fd())
            signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # orphans are reaped by the kernel
            while True:
                signal.pause()
        finally:
            os._exit(0)
    return True


def _build_root(visible: list[str], devices) -> None:
    """A new root holding the `visible` paths (the outermost of them) and
    the `devices`, and nothing else."""
    paths = sorted({os.path.abspath(p) for p in visible if os.path.lexists(p)})
    outer = [p for p in paths if not any(p.startswith(q.rstrip("/") + "/") for q in paths if q != p)]
    scratch = confine.place_scratch(outer)
    devices = [f"/dev/{name}" for name in devices if os.path.exists(f"/dev/{name}")]
    # Each source is opened before the new root is mounted, so that no mount can hide it.
    sources = {p: os.open(p, os.O_PATH | os.O_NOFOLLOW) for p in outer + devices if not _top_link(p)}
    try:
        _enter_root(outer + devices, sources, scratch)
    finally:
        for fd in sources.values():
            try:
                os.close(fd)
            except OSError:
                pass


def _enter_root(paths: list[str], sources: dict[str, int], scratch: str) -> None:
    """Bind each of `paths` (opened as `sources`) into a fresh tmpfs, with an
    empty `scratch` folder, and make it the root, read-only."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    new = "/tmp"  # any directory will do as the mount point: the host's /tmp is not touched
    mount("bpg-root", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
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
        mount(f"/proc/self/fd/{sources[path]}", target, None, MS_BIND | MS_REC)
    os.makedirs(new + scratch, exist_ok=True)
    os.chdir(new)
    check(libc.syscall(ctypes.c_long(arch()["deny"]["pivot_root"]), b".", b"."), "pivot_root")
    check(libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    _read_only("/")


def _top_link(path: str) -> bool:
    """Whether `path` is a link at the top of the tree (/lib -> usr/lib, say), copied as a link."""
    return os.path.islink(path) and os.path.dirname(path) == "/"


def _read_only(root: str) -> None:
    """Every mount under `root` read-only: one call where the kernel has
    mount_setattr (5.12+), else a remount of each, keeping its locked flags."""
    class MountAttr(ctypes.Structure):
        _fields_ = [("set", ctypes.c_uint64), ("clr", ctypes.c_uint64),
                    ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]
    attr = MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    if libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), -100, os.fsencode(root), AT_RECURSIVE,
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
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def _write(path: str, text: str) -> None:
    """Write `text` to a file of /proc in one go."""
    with open(path, "w") as f:
        f.write(text)
