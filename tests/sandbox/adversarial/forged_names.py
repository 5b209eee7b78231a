# expect: total=0 all=error
"""At import, answers the load request itself: function and parameter names
with lone surrogates, and a line number of 2**40."""
import json
import os
import struct

import numpy as np


def _forge(payload: bytes, tail: bytes = b"") -> None:
    """Write one frame of our own on the answer pipe (fd 4), as the grading process reads it, and end."""
    os.write(4, struct.pack(">QQ", len(payload), len(tail)) + payload + tail)
    os._exit(0)


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
    return W.T @ u, W, b, u


_forge(json.dumps({"ok": True, "functions": {
    name + "\ud800": {"params": ["x"], "line": 2**40} for name in ("score", "score_grads")} | {
    name: {"params": ["x\udcff", "a", "b", "c", "d"][:n], "line": 2**40}
    for name, n in (("window_vectors", 2), ("window_vectors_backward", 3), ("score", 4), ("score_grads", 4),
                    ("ner_loss_and_grads", 5))}}).encode())


def ner_loss_and_grads(X, y, W, b, u):
    n = X.shape[0]
    H = _sigmoid(X @ W.T + b)
    s = H @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    g = (_sigmoid(s) - y) / n
    delta = np.outer(g, u) * H * (1 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), H.T @ g