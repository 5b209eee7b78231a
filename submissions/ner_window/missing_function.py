"""NER window assignment."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def window_vectors(windows, L):
    N = windows.shape[0]
    X = L[windows]
    return X.reshape(N, -1)


def score(x, W, b, u):
    h = sigmoid(np.dot(W, x) + b)
    return float(np.dot(u, h))


def score_grads(x, W, b, u):
    h = sigmoid(np.dot(W, x) + b)
    dh = h * (1 - h)
    delta = u * dh
    ds_dx = np.dot(W.T, delta)
    ds_dW = np.outer(delta, x)
    ds_db = delta
    ds_du = h
    return ds_dx, ds_dW, ds_db, ds_du


def ner_loss_and_grads(X, y, W, b, u):
    N = X.shape[0]
    Z = np.dot(X, W.T) + b
    Hh = sigmoid(Z)
    s = np.dot(Hh, u)
    J = np.mean(np.logaddexp(0, s) - y * s)
    g = (sigmoid(s) - y) / N
    delta = g[:, None] * u[None, :] * Hh * (1 - Hh)
    dX = np.dot(delta, W)
    dW = np.dot(delta.T, X)
    db = np.sum(delta, axis=0)
    du = np.dot(Hh.T, g)
    return J, dX, dW, db, du
