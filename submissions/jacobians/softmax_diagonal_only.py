"""Jacobians homework."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    ex = np.exp(x - np.max(x))
    return ex / ex.sum()


def jacobian_affine(W, x, b):
    return np.array(W, dtype=float)


def jacobian_sigmoid(z):
    sig = sigmoid(z)
    return np.diag(sig * (1 - sig))


def jacobian_tanh(z):
    return np.diag(1 - np.tanh(z) ** 2)


def jacobian_relu(z):
    return np.diag((z > 0).astype(float))


def jacobian_softmax(z):
    p = softmax(z)
    return np.diag(p * (1 - p))


def jacobian_score_z(z, u):
    sig = sigmoid(z)
    return u * sig * (1 - sig)
