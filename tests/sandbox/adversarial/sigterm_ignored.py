# expect: total=8 ner_loss_and_grads=timeout score_grads=passed
"""Ignores SIGTERM (and SIGINT), then loops: only SIGKILL stops it."""
import signal

import numpy as np

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)


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
    while True:
        pass
