"""Jacobians of the building blocks - lecture 3 homework."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def jacobian_affine(W, x, b):
    # z = W x + b, and dx/dx is the identity, so dz/dx = W I
    D = x.shape[0]
    return W @ np.eye(D)


def jacobian_sigmoid(z):
    n = len(z)
    J = np.zeros((n, n))
    for i in range(n):
        s = sigmoid(z[i])
        J[i, i] = s * (1 - s)
    return J


def jacobian_tanh(z):
    n = z.shape[0]
    d = 1 - np.tanh(z) ** 2
    return np.eye(n) * d


def jacobian_relu(z):
    n = z.shape[0]
    return np.eye(n) * (z > 0)


def jacobian_softmax(z):
    e = np.exp(z - np.max(z))
    p = e / np.sum(e)
    n = len(p)
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            delta_ij = 1.0 if i == j else 0.0
            J[i, j] = p[i] * (delta_ij - p[j])
    return J


def jacobian_score_z(z, u):
    # ds/dz = ds/dh dh/dz = u^T diag(sigmoid'(z)), returned as a vector
    return u @ jacobian_sigmoid(z)
