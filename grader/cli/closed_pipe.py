"""Output for a reader that may stop reading: `self-check f.py | head` closes
the pipe after ten lines. Python then raises BrokenPipeError at the next
write, or at exit while flushing, which ended the run with a traceback, and
would stop a `grade` before it wrote the next assignment's reports. Here,
once the reader has gone, the rest of that output is dropped and the run
goes on to its end and its usual exit code: the output was only for that
reader, and the reports and saved results are written as on any run."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class DroppedOnceClosed:
    """A text stream that forwards to `stream` until its reader has gone."""

    def __init__(self, stream):
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._drop_the_rest()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop_the_rest()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)

    def _drop_the_rest(self) -> None:
        """Point the stream's descriptor at /dev/null, so that what its buffer
        still holds is flushed there (at exit too) rather than raising again."""
        self.gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError):  # a stream without a descriptor: nothing is left to flush into the pipe
            pass


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """stdout and stderr, for the duration, as DroppedOnceClosed streams."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = DroppedOnceClosed(sys.stdout), DroppedOnceClosed(sys.stderr)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved
