"""The seccomp filter a student's process installs, run here on a small
interpreter of classic BPF: for every syscall number, and for kill() on
every kind of target, its action is the one seccomp.py means, on each
architecture it supports, with processes allowed or not."""
from __future__ import annotations

import struct

import pytest

from grader.sandbox import seccomp

PID = 4242


def action(program: bytes, nr: int, audit: int, args=(0,) * 6) -> int:
    """What the kernel would do with this system call under `program`."""
    data = struct.pack("<iIQ6Q", nr, audit, 0, *[a & 0xFFFFFFFFFFFFFFFF for a in args])
    acc, pc = 0, 0
    for _ in range(len(program) // 8 + 1):  # a classic BPF program only jumps forward
        code, jt, jf, k = struct.unpack_from("<HBBI", program, 8 * pc)
        pc += 1
        if code == seccomp.LD:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == seccomp.RET:
            return k
        elif code == seccomp.JA:
            pc += k
        else:
            taken = {seccomp.JEQ: acc == k, seccomp.JGE: acc >= k, seccomp.JSET: bool(acc & k)}[code]
            pc += jt if taken else jf
    raise AssertionError("the program ran past its end")


def program(machine: str, processes: bool) -> bytes:
    return bytes(seccomp.Filter(machine, processes).name(PID))


@pytest.mark.parametrize("machine", sorted(seccomp.ARCH))
@pytest.mark.parametrize("processes", [False, True])
def test_every_syscall_number_gets_the_action_meant_for_it(machine, processes):
    arch = seccomp.ARCH[machine]
    denied = {**arch["deny"], **seccomp.COMMON_DENY}
    if processes:
        for name in ("clone", "clone3", "fork", "vfork", "execve", "execveat"):
            denied.pop(name, None)
    signals = {arch["kill"], arch["tkill"], arch["tgkill"], arch["socket"]}
    code = program(machine, processes)
    for nr in range(1024):
        if nr in signals:
            continue
        expected = seccomp.DENY if nr in denied.values() else seccomp.ALLOW
        assert action(code, nr, arch["audit"]) == expected, (machine, nr)
    assert action(code, 0, 0x12345678) == seccomp.KILL  # another architecture's calls
    if arch["x32"]:
        assert action(code, 0x40000000 + 1, arch["audit"]) == seccomp.DENY


@pytest.mark.parametrize("machine", sorted(seccomp.ARCH))
def test_signals_reach_only_the_process_itself_and_sockets_are_local(machine):
    arch = seccomp.ARCH[machine]
    code = program(machine, False)
    for target, allowed in ((PID, True), (-PID, True), (0, True), (1, False), (PID + 1, False), (-1, False)):
        assert (action(code, arch["kill"], arch["audit"], (target, 9, 0, 0, 0, 0)) == seccomp.ALLOW) is allowed
    assert action(code, arch["tkill"], arch["audit"], (PID, 9, 0, 0, 0, 0)) == seccomp.ALLOW
    assert action(code, arch["tkill"], arch["audit"], (PID + 1, 9, 0, 0, 0, 0)) == seccomp.DENY
    assert action(code, arch["tgkill"], arch["audit"], (PID, PID, 9, 0, 0, 0)) == seccomp.ALLOW
    assert action(code, arch["tgkill"], arch["audit"], (PID + 1, PID + 1, 9, 0, 0, 0)) == seccomp.DENY
    assert action(code, arch["socket"], arch["audit"], (seccomp.AF_UNIX, 1, 0, 0, 0, 0)) == seccomp.ALLOW
    assert action(code, arch["socket"], arch["audit"], (2, 1, 0, 0, 0, 0)) == seccomp.DENY  # AF_INET


@pytest.mark.parametrize("machine", sorted(seccomp.ARCH))
def test_no_descriptor_can_be_made_to_signal_a_process(machine):
    """fcntl and ioctl commands that set a descriptor's owner, its signal or
    O_ASYNC are refused, whatever else their arguments hold; the fcntl and
    ioctl commands numpy and Python use are not."""
    arch = seccomp.ARCH[machine]
    code = program(machine, False)

    def fcntl(cmd, value=0):
        return action(code, arch["fcntl"], arch["audit"], (3, cmd, value, 0, 0, 0))

    for cmd in (8, 10, 15, 8 | 0xABCD00000000):  # F_SETOWN, F_SETSIG, F_SETOWN_EX; high bits are not looked at
        assert fcntl(cmd, PID) == seccomp.DENY, cmd
    assert fcntl(4, 0o20000) == seccomp.DENY                   # F_SETFL with O_ASYNC
    assert fcntl(4, 0o20000 | 0o4000) == seccomp.DENY          # ... and O_NONBLOCK
    assert fcntl(4, 0o4000) == seccomp.ALLOW                   # F_SETFL, O_NONBLOCK alone
    for cmd in (0, 1, 2, 3, 9, 1030, 1031, 1033):  # F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_GETOWN, F_DUPFD_CLOEXEC..
        assert fcntl(cmd, 0o20000) == seccomp.ALLOW, cmd
    for request in (0x8901, 0x8902, 0x5452, 0x5410, 0x5412):   # FIOSETOWN, SIOCSPGRP, FIOASYNC, TIOCSPGRP, TIOCSTI
        assert action(code, arch["ioctl"], arch["audit"], (0, request, PID, 0, 0, 0)) == seccomp.DENY, hex(request)
    for request in (0x5401, 0x5421, 0x541B, 0x8903):           # TCGETS, FIONBIO, FIONREAD, FIOGETOWN
        assert action(code, arch["ioctl"], arch["audit"], (0, request, 0, 0, 0, 0)) == seccomp.ALLOW, hex(request)


@pytest.mark.parametrize("machine", sorted(seccomp.ARCH))
def test_memory_and_disk_outside_the_limits_are_refused(machine):
    """SysV and POSIX IPC, memfd and fallocate escape RLIMIT_AS or RLIMIT_FSIZE."""
    arch = seccomp.ARCH[machine]
    code = program(machine, False)
    for name in ("fallocate", "memfd_create", "shmget", "shmat", "semget", "msgget", "mq_open"):
        assert action(code, arch["deny"][name], arch["audit"]) == seccomp.DENY, name

