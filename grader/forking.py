"""What processes forked to share work need: their jobs' numbers wait in a
pipe, and each process reads the next one when it is free, so that a slow
job holds up no other (a pipe rather than a lock: it needs nothing but the
kernel, and a read of one number takes all of it or nothing, since numbers
are written PIPE_BUF bytes at a time, which are never split); the garbage
collector paused while they fork; and a scheduling policy for the workers."""
from __future__ import annotations

import gc
import os
import select
import struct
import threading
from contextlib import contextmanager
from typing import Iterator

NUMBER = struct.Struct("<I")
CHUNK = getattr(select, "PIPE_BUF", 512) // NUMBER.size * NUMBER.size


def woken_without_preempting() -> None:
    """When this process is woken, let it wait for the running process's turn
    to end rather than take the core at once (SCHED_BATCH), if the platform can."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass


@contextmanager
def collection_paused() -> Iterator[None]:
    """Garbage collection paused for the block: for work that makes many
    objects and next to no cycles, where a collection would only walk again
    the objects that live on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class JobPipe:
    """The numbers 0..count-1, for processes forked after it is made. Each
    copy calls `forked()` first; the process that made it calls `start()`
    once every copy is forked."""

    def __init__(self, count: int):
        self.count, self.started = count, False
        self.read_end, self.write_end = os.pipe()

    def forked(self) -> None:
        """In a copy: only the process that made it writes numbers (its
        readers see the end of the pipe once that one's write end is closed)."""
        os.close(self.write_end)

    def start(self) -> None:
        """Write the numbers, from a thread: a pipe holds only so many."""
        self.started = True
        data = b"".join(NUMBER.pack(n) for n in range(self.count))

        def feed() -> None:
            try:
                for k in range(0, len(data), CHUNK):
                    os.write(self.write_end, data[k:k + CHUNK])
            except OSError:  # every reader is gone
                pass
            finally:
                os.close(self.write_end)
        threading.Thread(target=feed, daemon=True).start()

    def take(self) -> int | None:
        """The next job's number; None when every one is taken."""
        data = os.read(self.read_end, NUMBER.size)
        return NUMBER.unpack(data)[0] if data else None

    def close(self) -> None:
        """This process's ends (never started: the copies see the end at once)."""
        os.close(self.read_end)
        if not self.started:
            os.close(self.write_end)
