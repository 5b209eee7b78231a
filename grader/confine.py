"""What the operating system can enforce on a student's process, applied
through plain system calls (ctypes), each where the platform allows it:

- `isolate_server`: once, in the fork server. A user namespace (so the
  steps below need no privilege), a network namespace with nothing in it,
  and a mount namespace whose root is a fresh, read-only tree holding only
  what a student's process needs to run Python and numpy: no assignment,
  no reference, no other submission, no home directory.
- `private_scratch`: per student process, a mount namespace of its own
  with an empty, size-capped tmpfs at /tmp, gone when the process dies.
- `apply_rlimits`: CPU seconds, address space, file size, open files,
  processes, no core files.
- `seal`: no capabilities, no new privileges, and a seccomp filter that
  refuses new processes and threads, namespaces, mounts, exec, tracing,
  sockets other than AF_UNIX, and signals to any process but itself.

Everything here is best effort by design: each step reports whether it
took effect, and the grading process says what is in force."""
from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import resource
import struct
import sys

LINUX = sys.platform.startswith("linux")
MACHINE = platform.machine()
_libc = ctypes.CDLL(None, use_errno=True) if LINUX else None

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 1, 38, 22, 2

# System calls that differ between architectures; the rest share numbers.
ARCH = {
    "x86_64": dict(audit=0xC000003E, x32=True, pivot_root=155, socket=41, kill=62, tkill=200, tgkill=234,
                   deny=dict(clone=56, fork=57, vfork=58, execve=59, execveat=322, unshare=272, setns=308,
                             mount=165, umount2=166, chroot=161, pivot_root=155, ptrace=101,
                             process_vm_readv=310, process_vm_writev=311, rt_sigqueueinfo=129,
                             rt_tgsigqueueinfo=297, bpf=321, perf_event_open=298, keyctl=250, add_key=248,
                             request_key=249, userfaultfd=323)),
    "aarch64": dict(audit=0xC00000B7, x32=False, pivot_root=41, socket=198, kill=129, tkill=130, tgkill=131,
                    deny=dict(clone=220, execve=221, execveat=281, unshare=97, setns=268, mount=40, umount2=39,
                              chroot=51, pivot_root=41, ptrace=117, process_vm_readv=270,
                              process_vm_writev=271, rt_sigqueueinfo=138, rt_tgsigqueueinfo=240, bpf=280,
                              perf_event_open=241, keyctl=219, add_key=217, request_key=218, userfaultfd=282)),
}
COMMON_DENY = dict(pidfd_send_signal=424, io_uring_setup=425, io_uring_enter=426, io_uring_register=427,
                   open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433,
                   pidfd_open=434, clone3=435, pidfd_getfd=438, mount_setattr=442)
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1
MIB = 2**20
SCRATCH = "/tmp"  # where a student's private scratch is mounted (moved if a visible path is under it)


def _arch() -> dict | None:
    return ARCH.get(MACHINE) if LINUX else None


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
    user and network namespaces and under a read-only root holding only the
    `visible` paths. Returns which of "network" and "filesystem" took effect."""
    done = {"network": False, "filesystem": False}
    if _libc is None:
        return done
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0:
        if _libc.unshare(CLONE_NEWNET) == 0:  # root without user namespaces
            done["network"] = True
        return done
    done["network"] = True
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
        _build_root(visible, devices)
        done["filesystem"] = True
    except OSError:
        pass  # a half-built root stays private to this namespace and is not used
    return done


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
    _check(_libc.syscall(ctypes.c_long(_arch()["pivot_root"]), b".", b"."), "pivot_root")
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

def private_scratch(size_mib: int) -> str:
    """A mount namespace of this process's own, with an empty tmpfs at
    SCRATCH (where the fork server's read-only root keeps an empty directory)."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare")
    _mount("bpg-scratch", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(1, size_mib)}m,mode=0700")
    return SCRATCH


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
    return _filter(MACHINE, processes).install(os.getpid())


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _Filter:
    """A seccomp program, ready to install but for the student process's own
    pid, which its rules on signals name and which it writes in itself."""

    def __init__(self, machine: str, processes: bool):
        denials = _denials(machine, processes)
        rules, slots = _signals(ARCH[machine])
        self.program = bytearray(denials + rules)
        self.slots = [(len(denials) + offset, sign) for offset, sign in slots]
        self.buffer = (ctypes.c_char * len(self.program)).from_buffer(self.program)
        self.fprog = _SockFprog(len(self.program) // 8, ctypes.addressof(self.buffer))

    def name(self, pid: int) -> bytearray:
        """The program, with `pid` written into its rules on signals."""
        for offset, sign in self.slots:
            struct.pack_into("<I", self.program, offset, (sign * pid) & 0xFFFFFFFF)
        return self.program

    def install(self, pid: int) -> bool:
        self.name(pid)
        return _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self.fprog), 0, 0) == 0


@functools.cache
def _filter(machine: str, processes: bool) -> _Filter:
    return _Filter(machine, processes)


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
            _filter(MACHINE, processes)


# A classic BPF program over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}.
_LD, _JA, _JEQ, _JGT, _JGE, _RET = 0x20, 0x05, 0x15, 0x25, 0x35, 0x06
ALLOW, KILL, DENY = 0x7FFF0000, 0x80000000, 0x00050000 | errno.EPERM
AF_UNIX = 1


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k & 0xFFFFFFFF)


@functools.cache
def _denials(machine: str, processes: bool) -> bytes:
    """The filter up to its rules on signals, which name the process itself."""
    arch = ARCH[machine]
    ins = [_op(_LD, 4), _op(_JEQ, arch["audit"], 1, 0), _op(_RET, KILL),   # the architecture
           _op(_LD, 0)]                                                     # the syscall number
    if arch["x32"]:
        ins += [_op(_JGE, 0x40000000, 0, 1), _op(_RET, DENY)]
    deny = {**arch["deny"], **COMMON_DENY}
    if processes:
        for name in ("clone", "clone3", "fork", "vfork", "execve", "execveat"):
            deny.pop(name, None)
    ins += _refused(sorted(set(deny.values())))
    # socket(domain, ...): AF_UNIX only, so no network even without a network namespace
    ins += [_op(_JEQ, arch["socket"], 0, 4), _op(_LD, 16), _op(_JEQ, AF_UNIX, 0, 1), _op(_RET, ALLOW), _op(_RET, DENY)]
    return b"".join(ins)


def _refused(numbers: list[int]) -> list[bytes]:
    """Tests that send each of these syscall numbers to one shared DENY: a
    run of consecutive numbers is tested as a range. The kernel checks and
    compiles the filter as every student's process starts, at some 1.3 us
    an instruction: a test and a DENY for each number took three times as
    many (72 against 24 on x86_64)."""
    runs: list[list[int]] = []
    for nr in numbers:
        if runs and nr == runs[-1][1] + 1:
            runs[-1][1] = nr
        else:
            runs.append([nr, nr])
    size = sum(1 if lo == hi else 2 for lo, hi in runs)   # the tests; then a jump over DENY, then DENY
    tests = []
    for lo, hi in runs:
        if lo == hi:
            tests.append(_op(_JEQ, lo, size - len(tests), 0))
        else:  # below lo: the next test; above hi: the next test; else DENY
            tests += [_op(_JGE, lo, 0, 1), _op(_JGT, hi, 0, size - len(tests) - 1)]
    return tests + [_op(_JA, 1), _op(_RET, DENY)]


def _signals(arch: dict) -> tuple[bytes, list[tuple[int, int]]]:
    """kill(pid, sig): itself or its own process group only; tkill/tgkill: its
    own threads. The rules with pid 0, and where (byte offset, sign) the pid goes."""
    ins, slots = [], []
    for nr, signs in ((arch["kill"], [1, 0, -1]), (arch["tkill"], [1]), (arch["tgkill"], [1])):
        ins += [_op(_JEQ, nr, 0, 2 + 2 * len(signs)), _op(_LD, 16)]
        for sign in signs:
            if sign:
                slots.append((8 * len(ins) + 4, sign))  # an instruction's k: 4 bytes in
            ins += [_op(_JEQ, 0, 0, 1), _op(_RET, ALLOW)]
        ins.append(_op(_RET, DENY))
    ins.append(_op(_RET, ALLOW))
    return b"".join(ins), slots
