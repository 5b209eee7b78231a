# expect: total=9 score_grads=error ner_loss_and_grads=passed
"""Raises an exception whose __str__ raises too: its process must answer
with an error naming the exception, not die trying to describe it."""
import numpy as np


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no message either")


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
    raise Unprintable()


def ner_loss_and_grads(X, y, W, b, u):
    n = X.shape[0]
    H = _sigmoid(X @ W.T + b)
    s = H @ u
    J = float(np.mean(np.logaddexp(0, s) - y * s))
    g = (_sigmoid(s) - y) / n
    delta = np.outer(g, u) * H * (1 - H)
    return J, delta @ W, delta.T @ X, delta.sum(axis=0), H.T @ g