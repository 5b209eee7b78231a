"""Lecture 3 exercise: Jacobians of an affine map, activations and softmax."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def jacobian_affine(W, x, b):
    # z_i = sum_j W_ij x_j + b_i  ->  dz_i/dx_j = W_ij
    return W.astype(np.float64)


def jacobian_sigmoid(z):
    # element-wise, so the Jacobian is diagonal
    return np.diag(sigmoid(z))


def jacobian_tanh(z):
    return np.diag(1.0 - np.tanh(z) ** 2)


def jacobian_relu(z):
    return np.diag(1.0 * (z > 0))


def jacobian_softmax(z):
    exps = np.exp(z - np.max(z))
    p = exps / np.sum(exps)
    return np.diag(p) - np.outer(p, p)


def jacobian_score_z(z, u):
    h = sigmoid(z)
    return u * h * (1.0 - h)
