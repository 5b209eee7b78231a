"""Window classifier homework (CS224N lecture 3)."""

import numpy as np


def sigmoid(v):
    return np.exp(-np.logaddexp(0, -v))


def window_vectors(windows, L):
    parts = [L[windows[:, j]] for j in range(windows.shape[1])]
    return np.hstack(parts)


def window_vectors_backward(windows, dX, V):
    k = windows.shape[1]
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    for j in range(k):
        np.add.at(dL, windows[:, j], dX[:, j * d:(j + 1) * d])
    return dL


def score(x, W, b, u):
    z = np.matmul(W, x) + b
    return float(np.matmul(u, sigmoid(z)))


def score_grads(x, W, b, u):
    z = np.matmul(W, x) + b
    h = sigmoid(z)
    delta = u * h
    ds_dx = np.matmul(W.T, delta)
    ds_dW = np.outer(delta, x)
    ds_db = delta
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    z = np.matmul(X, W.T) + b
    h = sigmoid(z)
    s = np.matmul(h, u)
    J = float(np.mean(np.logaddexp(0, s) - y * s))

    dJ_ds = (sigmoid(s) - y) / N
    du = np.matmul(h.T, dJ_ds)
    delta = dJ_ds.reshape(-1, 1) * u * h * (1 - h)
    dX = np.matmul(delta, W)
    dW = np.matmul(delta.T, X)
    db = delta.sum(axis=0)
    return J, dX, dW, db, du
