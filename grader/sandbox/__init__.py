"""A student's process and everything that touches it.

The fork server (fork_server.py) starts it; confine.py and seccomp.py wall
it in; student.py is its side of the protocol (wire.py), with recipes.py
for the arguments built or kept there; rehearsal.py warms the server up;
cores.py places it. These modules import nothing from grader outside this
package, and this file imports nothing at all: the fork server, and so
every student's process, holds only them and numpy. runner.py and
answers.py are the grading process's side (it starts, talks to and checks
a student's process); trusted.py runs trusted code, such as the reference,
in the grading process itself."""
