# expect: total=1 window_vectors=passed score=failed
"""Tries every road by which the kernel signals a process that a descriptor
names, kill() aside: a pipe and a socket whose owner is set (fcntl F_SETOWN
and F_SETOWN_EX, ioctl FIOSETOWN and SIOCSPGRP), whose signal is SIGKILL
(F_SETSIG), made asynchronous (F_SETFL O_ASYNC, ioctl FIOASYNC), then
written to. Its targets: every pid of its PID namespace, the other
students' processes among them; where it has no namespace of its own, only
its parent, the fork server. Raises if any road was open; otherwise
correct, but it writes window_vectors alone."""
import ctypes
import fcntl
import os
import signal
import socket

_libc = ctypes.CDLL(None, use_errno=True)
F_SETSIG, F_SETOWN_EX, F_OWNER_PID = 10, 15, 1
FIOSETOWN, SIOCSPGRP, FIOASYNC = 0x8901, 0x8902, 0x5452


def _targets():
    in_own_namespace = os.getppid() == 0   # its parent, the fork server, is outside it
    return range(1, 200) if in_own_namespace else [os.getppid()]


def _open_roads(target):
    opened = []
    r, w = os.pipe()
    owner = (ctypes.c_int * 2)(F_OWNER_PID, target)
    for road, result in (("F_SETOWN", _libc.fcntl(r, fcntl.F_SETOWN, target)),
                         ("F_SETOWN_EX", _libc.fcntl(r, F_SETOWN_EX, owner)),
                         ("F_SETSIG", _libc.fcntl(r, F_SETSIG, signal.SIGKILL)),
                         ("O_ASYNC", _libc.fcntl(r, fcntl.F_SETFL, os.O_ASYNC | os.O_NONBLOCK))):
        if result == 0:
            opened.append(road)
    os.write(w, b"x")
    a, b = socket.socketpair()
    for road, request, value in (("FIOSETOWN", FIOSETOWN, target), ("SIOCSPGRP", SIOCSPGRP, target),
                                 ("FIOASYNC", FIOASYNC, 1)):
        if _libc.ioctl(a.fileno(), request, ctypes.byref(ctypes.c_int(value))) == 0:
            opened.append(road)
    b.send(b"x")
    for fd in (r, w):
        os.close(fd)
    a.close()
    b.close()
    return opened


def window_vectors(windows, L):
    for target in _targets():
        opened = _open_roads(target)
        if opened:
            raise RuntimeError(f"open roads to pid {target}: {opened}")
    return L[windows].reshape(windows.shape[0], -1)
