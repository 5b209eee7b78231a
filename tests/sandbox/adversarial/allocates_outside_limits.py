# expect: total=1 window_vectors=passed score=failed
"""Tries to hold memory and disk that its limits do not count: 4 GiB of
blocks under its output and under a scratch file (fallocate with
FALLOC_FL_KEEP_SIZE, which never grows the file), three System V segments
of 512 MiB, touched and detached, a POSIX message queue and a memfd.
Raises if any of them was granted; otherwise correct, but it writes
window_vectors alone."""
import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
KEEP_SIZE, IPC_CREAT, GiB = 1, 0o1000, 2**30


def _granted():
    granted = []
    if _libc.fallocate(1, KEEP_SIZE, ctypes.c_long(0), ctypes.c_long(4 * GiB)) == 0:
        granted.append("fallocate on its output")
    fd = os.open("hoard", os.O_RDWR | os.O_CREAT, 0o600)
    if _libc.fallocate(fd, KEEP_SIZE, ctypes.c_long(0), ctypes.c_long(4 * GiB)) == 0:
        granted.append("fallocate in its scratch")
    os.close(fd)
    for _ in range(3):
        segment = _libc.shmget(0, ctypes.c_size_t(GiB // 2), IPC_CREAT | 0o600)
        if segment >= 0:
            granted.append("a System V segment")
            address = _libc.shmat(segment, None, 0)
            if address not in (None, 2**64 - 1):
                ctypes.memset(address, 1, GiB // 2)
                _libc.shmdt(ctypes.c_void_p(address))
    mq_open = getattr(_libc, "mq_open", None)
    if mq_open is not None and mq_open(b"/hoard", os.O_RDWR | os.O_CREAT, 0o600, None) >= 0:
        granted.append("a message queue")
    memfd_create = {"x86_64": 319, "aarch64": 279}.get(os.uname().machine)
    if memfd_create and _libc.syscall(memfd_create, b"hoard", 0) >= 0:
        granted.append("a memfd")
    return granted


def window_vectors(windows, L):
    granted = _granted()
    if granted:
        raise RuntimeError(f"granted: {granted}")
    return L[windows].reshape(windows.shape[0], -1)
