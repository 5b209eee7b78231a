"""Jacobians homework (CS224N lecture 3)."""

import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def jacobian_affine(W, x, b):
    return np.array(W, dtype=np.float64)


def jacobian_sigmoid(z):
    g = sigmoid(z)
    return np.diag(g * (1.0 - g))


def jacobian_tanh(z):
    return np.diag(1.0 - np.tanh(z) ** 2)


def jacobian_relu(z):
    return (z > 0).astype(np.float64)


def jacobian_softmax(z):
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return np.diag(p) - np.outer(p, p)


def jacobian_score_z(z, u):
    g = sigmoid(z)
    return u * g * (1.0 - g)
