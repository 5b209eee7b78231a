"""NER window classifier gradients."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    N = windows.shape[0]
    return L[windows].reshape(N, -1)


def window_vectors_backward(windows, dX, V):
    N, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    np.add.at(dL, windows.reshape(-1), dX.reshape(N * k, d))
    return dL


def score(x, W, b, u):
    h = sigmoid(W @ x + b)
    return float(u @ h)


def score_grads(x, W, b, u):
    h = sigmoid(W @ x + b)
    delta = u * h * (1 - h)
    ds_dx = W.T @ delta
    ds_dW = np.outer(delta, x
    ds_db = delta
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    Hid = sigmoid(X @ W.T + b)
    s = Hid @ u
    J = np.mean(np.logaddexp(0, s) - y * s)
    g = (sigmoid(s) - y) / N
    delta = g[:, None] * u * Hid * (1 - Hid)
    dX = delta @ W
    dW = delta.T @ X
    db = delta.sum(axis=0)
    du = Hid.T @ g
    return J, dX, dW, db, du
