"""A student's process and everything that touches it.

The grading process starts the fork server through fork_server.py (or, where
none can run, as on Windows and macOS, a fresh Python per student through
spawner.py, whose process sets itself up in spawned.py), both as
fresh_python.py says. The server sets itself up in server_startup.py,
walling itself in (server_isolation.py) and rehearsing a student's process
once (warm_up.py), then forks students in server_loop.py and reports on
them in the records of status.py. A forked process becomes a student's in
student_setup.py: confine.py and seccomp.py wall it in, cores.py places it,
and student.py is its side of the protocol (wire.py: frames; wire_values.py:
the values in them), with recipes.py for
the arguments built or kept there, cells.py for a notebook's cells and
student_output.py for what it prints. The modules a Spawner's process and
the grading process import run on every platform: POSIX-only modules
(fcntl, resource, ...) are imported only by the code that needs them, on
the fork server's side or where they exist. These modules import nothing from grader
outside this package, and this file imports nothing at all: the fork
server, and so every student's process, holds only them, the standard
library and numpy. runner.py and answers.py are the grading process's side
(it starts, talks to and checks a student's process); trusted.py runs
trusted code, such as the reference, in the grading process itself."""
