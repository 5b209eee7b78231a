"""ner_window.py"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    N, k = windows.shape
    return L[windows.ravel()].reshape(N, k * L.shape[1])


def window_vectors_backward(windows, dX, V):
    N, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    np.add.at(dL, windows.ravel(), dX.reshape(-1, d))
    return dL


def score(x, W, b, u):
    z = W @ x + b
    h = sigmoid(z)
    return float(np.sum(u * h))


def score_grads(x, W, b, u):
    z = W @ x + b
    h = sigmoid(z)
    # s = u.h, chain rule back through the hidden layer
    delta = u
    ds_dx = W.T @ delta
    ds_dW = np.outer(delta, x)
    ds_db = delta.copy()
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    Z = X @ W.T + b
    Hh = sigmoid(Z)
    s = Hh @ u
    J = np.mean(np.logaddexp(0.0, s) - y * s)

    g = (sigmoid(s) - y) / N
    du = Hh.T @ g
    delta = g[:, None] * u[None, :]
    dW = delta.T @ X
    db = np.sum(delta, axis=0)
    dX = delta @ W
    return J, dX, dW, db, du
