"""Python 2 names for Python 3 code, as the course's environment provided
them (its starter files begin `from past.builtins import xrange`): enough
of the package of that name for a student's file to import."""
