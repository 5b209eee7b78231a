"""The seccomp filter a student's process installs on itself (see
confine.seal): a classic BPF program over the system call about to be made,
which refuses, with EPERM:

- new processes and threads, exec, namespaces, mounts, tracing, BPF,
  io_uring, keyrings, and reading or writing other processes' memory;
- sockets other than AF_UNIX (no network, even without a network namespace);
- signals to any process but itself, by every road the kernel offers: kill,
  tkill and tgkill name a pid, which must be its own; fcntl and ioctl can
  make the kernel signal a named process when I/O happens on a descriptor
  (F_SETOWN, F_SETOWN_EX, F_SETSIG, O_ASYNC through F_SETFL; FIOSETOWN,
  SIOCSPGRP, TIOCSPGRP, FIOASYNC), and TIOCSTI pushes input into a terminal:
  those commands are refused, every other fcntl and ioctl is not;
- memory outside its address-space limit: System V shared memory,
  semaphores and message queues, POSIX message queues, memfd_create;
- disk outside its file-size limit: fallocate (which allocates blocks
  without growing the file, so RLIMIT_FSIZE never sees them).

Numbers differ between architectures; x86_64 and arm64 are known. The rules
that name the process's own pid are written into the program by `name`."""
from __future__ import annotations

import ctypes
import errno
import functools
import struct

# System calls whose numbers differ between architectures; the rest share numbers.
ARCH = {
    "x86_64": dict(audit=0xC000003E, x32=True, socket=41, kill=62, tkill=200, tgkill=234, fcntl=72, ioctl=16,
                   deny=dict(clone=56, fork=57, vfork=58, execve=59, execveat=322, unshare=272, setns=308,
                             mount=165, umount2=166, chroot=161, pivot_root=155, ptrace=101,
                             process_vm_readv=310, process_vm_writev=311, rt_sigqueueinfo=129,
                             rt_tgsigqueueinfo=297, bpf=321, perf_event_open=298, keyctl=250, add_key=248,
                             request_key=249, userfaultfd=323, fallocate=285, memfd_create=319,
                             shmget=29, shmat=30, shmctl=31, semget=64, semop=65, semctl=66, shmdt=67,
                             msgget=68, msgsnd=69, msgrcv=70, msgctl=71, semtimedop=220, mq_open=240,
                             mq_unlink=241, mq_timedsend=242, mq_timedreceive=243, mq_notify=244,
                             mq_getsetattr=245)),
    "aarch64": dict(audit=0xC00000B7, x32=False, socket=198, kill=129, tkill=130, tgkill=131, fcntl=25, ioctl=29,
                    deny=dict(clone=220, execve=221, execveat=281, unshare=97, setns=268, mount=40, umount2=39,
                              chroot=51, pivot_root=41, ptrace=117, process_vm_readv=270,
                              process_vm_writev=271, rt_sigqueueinfo=138, rt_tgsigqueueinfo=240, bpf=280,
                              perf_event_open=241, keyctl=219, add_key=217, request_key=218, userfaultfd=282,
                              fallocate=47, memfd_create=279, mq_open=180, mq_unlink=181, mq_timedsend=182,
                              mq_timedreceive=183, mq_notify=184, mq_getsetattr=185, msgget=186, msgctl=187,
                              msgrcv=188, msgsnd=189, semget=190, semctl=191, semtimedop=192, semop=193,
                              shmget=194, shmctl=195, shmat=196, shmdt=197)),
}
COMMON_DENY = dict(pidfd_send_signal=424, io_uring_setup=425, io_uring_enter=426, io_uring_register=427,
                   open_tree=428, move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433,
                   pidfd_open=434, clone3=435, pidfd_getfd=438, mount_setattr=442, memfd_secret=447)
PROCESSES = ("clone", "clone3", "fork", "vfork", "execve", "execveat")  # allowed with limits.processes

# fcntl commands and ioctl requests that direct signals at a process, or type into a terminal
F_SETFL, F_SETOWN, F_SETSIG, F_SETOWN_EX, O_ASYNC = 4, 8, 10, 15, 0o20000
FCNTL_REFUSED = (F_SETOWN, F_SETOWN_EX, F_SETSIG)
IOCTL_REFUSED = dict(TIOCSPGRP=0x5410, TIOCSTI=0x5412, FIOASYNC=0x5452, FIOSETOWN=0x8901, SIOCSPGRP=0x8902)

# A classic BPF program over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}.
LD, JA, JEQ, JGE, JSET, RET = 0x20, 0x05, 0x15, 0x35, 0x45, 0x06
ALLOW, KILL, DENY = 0x7FFF0000, 0x80000000, 0x00050000 | errno.EPERM
AF_UNIX = 1
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


def arg(i: int) -> int:
    """Where the low 32 bits of argument i are in seccomp_data (little-endian)."""
    return 16 + 8 * i


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Filter:
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

    def install(self, libc, pid: int) -> bool:
        """Install the filter on this process, whose pid is `pid`; True if the kernel took it."""
        self.name(pid)
        return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(self.fprog), 0, 0) == 0


@functools.cache
def program_for(machine: str, processes: bool) -> Filter:
    """The filter for this architecture, built once (in the fork server) and reused by every student process."""
    return Filter(machine, processes)


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k & 0xFFFFFFFF)


@functools.cache
def _denials(machine: str, processes: bool) -> bytes:
    """The filter up to its rules on signals, which name the process itself."""
    arch = ARCH[machine]
    ins = [_op(LD, 4), _op(JEQ, arch["audit"], 1, 0), _op(RET, KILL),   # the architecture
           _op(LD, 0)]                                                  # the syscall number
    if arch["x32"]:
        ins += [_op(JGE, 0x40000000, 0, 1), _op(RET, DENY)]
    deny = {**arch["deny"], **COMMON_DENY}
    if processes:
        for name in PROCESSES:
            deny.pop(name, None)
    ins += _refused(sorted(set(deny.values())))
    # socket(domain, ...): AF_UNIX only, so no network even without a network namespace
    ins += _by_argument(arch["socket"], 0, refused=(), allowed=(AF_UNIX,))
    ins += _fcntl(arch["fcntl"])
    ins += _by_argument(arch["ioctl"], 1, refused=tuple(IOCTL_REFUSED.values()))
    return b"".join(ins)


def _refused(numbers: list[int]) -> list[bytes]:
    """One test for each of these syscall numbers, each jumping to a shared
    DENY; any other number jumps over it."""
    tests = [_op(JEQ, nr, len(numbers) - k, 0) for k, nr in enumerate(numbers)]  # DENY lies len(numbers) - k on
    return tests + [_op(JA, 1), _op(RET, DENY)]


def _by_argument(nr: int, index: int, refused: tuple = (), allowed: tuple | None = None) -> list[bytes]:
    """For system call `nr`: DENY when the low word of argument `index` is
    one of `refused` (or, given `allowed`, is none of those); other system
    calls fall through with the accumulator unchanged."""
    body = [_op(LD, arg(index))]
    if allowed is None:  # refused values go to DENY, the rest to ALLOW
        for k, value in enumerate(refused):
            body.append(_op(JEQ, value, len(refused) - k, 0))
    else:
        for k, value in enumerate(allowed):
            body.append(_op(JEQ, value, len(allowed) - k, 0))
        body.append(_op(JA, 1))
    body += [_op(RET, ALLOW), _op(RET, DENY)]
    return [_op(JEQ, nr, 0, len(body))] + body


def _fcntl(nr: int) -> list[bytes]:
    """fcntl(fd, cmd, arg): no owner or signal for a descriptor's I/O, and
    F_SETFL without O_ASYNC; other system calls fall through."""
    body = [_op(LD, arg(1))]
    for k, cmd in enumerate(FCNTL_REFUSED):
        body.append(_op(JEQ, cmd, len(FCNTL_REFUSED) - k + 3, 0))    # to DENY
    body += [_op(JEQ, F_SETFL, 0, 2),                                 # not F_SETFL: ALLOW
             _op(LD, arg(2)), _op(JSET, O_ASYNC, 1, 0),
             _op(RET, ALLOW), _op(RET, DENY)]
    return [_op(JEQ, nr, 0, len(body))] + body


def _signals(arch: dict) -> tuple[bytes, list[tuple[int, int]]]:
    """kill(pid, sig): itself or its own process group only; tkill/tgkill: its
    own threads. The rules with pid 0, and where (byte offset, sign) the pid goes."""
    ins, slots = [], []
    for nr, signs in ((arch["kill"], [1, 0, -1]), (arch["tkill"], [1]), (arch["tgkill"], [1])):
        ins += [_op(JEQ, nr, 0, 2 + 2 * len(signs)), _op(LD, arg(0))]
        for sign in signs:
            if sign:
                slots.append((8 * len(ins) + 4, sign))  # an instruction's k: 4 bytes in
            ins += [_op(JEQ, 0, 0, 1), _op(RET, ALLOW)]
        ins.append(_op(RET, DENY))
    ins.append(_op(RET, ALLOW))
    return b"".join(ins), slots
