"""CS224N-style matrix calculus: Jacobians of common layers."""

import numpy as np


def _sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def jacobian_affine(W, x, b):
    return W.T.astype(np.float64)


def jacobian_sigmoid(z):
    s = _sigmoid(z)
    return np.diag(s * (1 - s))


def jacobian_tanh(z):
    t = np.tanh(z)
    return np.diag(1 - t * t)


def jacobian_relu(z):
    return np.diag(np.where(z > 0, 1.0, 0.0))


def jacobian_softmax(z):
    z = z - z.max()
    p = np.exp(z) / np.exp(z).sum()
    return np.diag(p) - np.outer(p, p)


def jacobian_score_z(z, u):
    s = _sigmoid(z)
    return u * s * (1 - s)
