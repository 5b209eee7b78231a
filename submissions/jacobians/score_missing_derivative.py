"""Matrix calculus assignment - Jacobians."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def jacobian_affine(W, x, b):
    return W * 1.0


def jacobian_sigmoid(z):
    h = sigmoid(z)
    return np.diagflat(h * (1 - h))


def jacobian_tanh(z):
    return np.diagflat(1 - np.tanh(z) ** 2)


def jacobian_relu(z):
    return np.diagflat((z > 0).astype(np.float64))


def jacobian_softmax(z):
    e = np.exp(z - z.max())
    p = (e / e.sum()).reshape(-1, 1)
    return np.diagflat(p) - p @ p.T


def jacobian_score_z(z, u):
    # s = u^T h, so ds/dh = u
    return np.array(u, dtype=np.float64)
