"""The fixed-size records in which the fork server tells the grading
process about one student process: first its pid, then how it ended. They
are all the grading process reads from the server after its hello, so
nothing it sends is ever parsed beyond two fields."""
from __future__ import annotations

import struct

RECORD = struct.Struct("<cq")  # a kind, then a number
STARTED, EXITED, KILLED = b"P", b"X", b"S"  # with its pid, its exit code, the signal that killed it
