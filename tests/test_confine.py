"""The seccomp filter a student's process installs, run here on a small
interpreter of classic BPF: for every syscall number, and for kill() on
every kind of target, its action is the one confine.py means, on each
architecture it supports, with processes allowed or not."""
from __future__ import annotations

import struct

import pytest

from grader import confine

PID = 4242


def action(program: bytes, nr: int, audit: int, args=(0,) * 6) -> int:
    """What the kernel would do with this system call under `program`."""
    data = struct.pack("<iIQ6Q", nr, audit, 0, *[a & 0xFFFFFFFFFFFFFFFF for a in args])
    acc, pc = 0, 0
    for _ in range(len(program) // 8 + 1):  # a classic BPF program only jumps forward
        code, jt, jf, k = struct.unpack_from("<HBBI", program, 8 * pc)
        pc += 1
        if code == confine._LD:
            acc = struct.unpack_from("<I", data, k)[0]
        elif code == confine._RET:
            return k
        elif code == confine._JA:
            pc += k
        else:
            taken = {confine._JEQ: acc == k, confine._JGT: acc > k, confine._JGE: acc >= k}[code]
            pc += jt if taken else jf
    raise AssertionError("the program ran past its end")


def program(machine: str, processes: bool) -> bytes:
    return bytes(confine._Filter(machine, processes).name(PID))


@pytest.mark.parametrize("machine", sorted(confine.ARCH))
@pytest.mark.parametrize("processes", [False, True])
def test_every_syscall_number_gets_the_action_meant_for_it(machine, processes):
    arch = confine.ARCH[machine]
    denied = {**arch["deny"], **confine.COMMON_DENY}
    if processes:
        for name in ("clone", "clone3", "fork", "vfork", "execve", "execveat"):
            denied.pop(name, None)
    signals = {arch["kill"], arch["tkill"], arch["tgkill"], arch["socket"]}
    code = program(machine, processes)
    for nr in range(1024):
        if nr in signals:
            continue
        expected = confine.DENY if nr in denied.values() else confine.ALLOW
        assert action(code, nr, arch["audit"]) == expected, (machine, nr)
    assert action(code, 0, 0x12345678) == confine.KILL  # another architecture's calls
    if arch["x32"]:
        assert action(code, 0x40000000 + 1, arch["audit"]) == confine.DENY


@pytest.mark.parametrize("machine", sorted(confine.ARCH))
def test_signals_reach_only_the_process_itself_and_sockets_are_local(machine):
    arch = confine.ARCH[machine]
    code = program(machine, False)
    for target, allowed in ((PID, True), (-PID, True), (0, True), (1, False), (PID + 1, False), (-1, False)):
        assert (action(code, arch["kill"], arch["audit"], (target, 9, 0, 0, 0, 0)) == confine.ALLOW) is allowed
    assert action(code, arch["tkill"], arch["audit"], (PID, 9, 0, 0, 0, 0)) == confine.ALLOW
    assert action(code, arch["tkill"], arch["audit"], (PID + 1, 9, 0, 0, 0, 0)) == confine.DENY
    assert action(code, arch["tgkill"], arch["audit"], (PID, PID, 9, 0, 0, 0)) == confine.ALLOW
    assert action(code, arch["tgkill"], arch["audit"], (PID + 1, PID + 1, 9, 0, 0, 0)) == confine.DENY
    assert action(code, arch["socket"], arch["audit"], (confine.AF_UNIX, 1, 0, 0, 0, 0)) == confine.ALLOW
    assert action(code, arch["socket"], arch["audit"], (2, 1, 0, 0, 0, 0)) == confine.DENY  # AF_INET


def test_the_filter_is_short():
    """The kernel checks and compiles it at every student process's start."""
    for machine in confine.ARCH:
        assert len(program(machine, False)) // 8 <= 60
