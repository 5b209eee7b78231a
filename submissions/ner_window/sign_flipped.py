"""Homework: backprop for the window NER classifier."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    N, k = windows.shape
    d = L.shape[1]
    X = np.empty((N, k * d))
    for j in range(k):
        X[:, j * d:(j + 1) * d] = L[windows[:, j]]
    return X


def window_vectors_backward(windows, dX, V):
    N, k = windows.shape
    d = dX.shape[1] // k
    dL = np.zeros((V, d))
    for n in range(N):
        for j in range(k):
            dL[windows[n, j]] = dL[windows[n, j]] + dX[n, j * d:(j + 1) * d]
    return dL


def score(x, W, b, u):
    z = W @ x + b
    return float(u @ sigmoid(z))


def score_grads(x, W, b, u):
    z = W @ x + b
    h = sigmoid(z)
    delta = u * h * (1 - h)
    ds_dx = -(W.T @ delta)
    ds_dW = -np.outer(delta, x)
    ds_db = -delta
    ds_du = -h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = len(y)
    Z = X @ W.T + b
    A = sigmoid(Z)
    s = A @ u
    J = np.sum(np.logaddexp(0, s) - y * s) / N
    dJds = (sigmoid(s) - y) / N
    delta = np.outer(dJds, u) * A * (1 - A)
    dW = delta.T @ X
    db = delta.sum(0)
    du = A.T @ dJds
    dX = delta @ W
    return J, dX, dW, db, du
