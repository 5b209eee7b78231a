# expect: total=13 all=passed
"""Writes files into its working directory, next to itself, into /tmp and
into the grader's own folders (those last two only where it is allowed to)."""
import os

import grader
import numpy as np

MARK = "bpg-hostile-marker"


def _scribble(folder, name):
    try:
        with open(os.path.join(folder, name), "a") as f:
            f.write(MARK)
    except OSError:
        pass


_scribble(os.getcwd(), "bpg-hostile-cwd.txt")
_scribble(os.path.dirname(os.path.abspath(__file__)), "bpg-hostile-beside.txt")
_scribble("/tmp", "bpg-hostile-tmp.txt")
_scribble(os.path.dirname(grader.__file__), "bpg-hostile-grader.txt")
_scribble(os.path.dirname(os.path.dirname(grader.__file__)), "bpg-hostile-root.txt")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    return L[windows].reshape(windows.shape[0], -1)


def window_vectors_backward(windows, dX, V):
    d = dX.shape[1] // 5
    dL = np.zeros((V, d))
    np.add.at(dL, windows.reshape(-1), dX.reshape(-1, d))
    return dL


def score(x, W, b, u):
    return float(u @ _sigmoid(W @ x + b))


def score_grads(x, W, b, u):
    h = _sigmoid(W @ x + b)
    delta = u * h * (1 - h)
    return W.T @ delta, np.outer(delta, x), delta, h


def ner_loss_and_grads(X, y, W, b, u):
    n = X.shape[0]
    H = _sigmoid(X @ W.T + b)
    s = H @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    g = (_sigmoid(s) - y) / n
    delta = np.outer(g, u) * H * (1 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), H.T @ g
