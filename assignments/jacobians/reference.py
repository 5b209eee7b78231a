"""Reference solution: Jacobians of the building blocks of a network."""
import numpy as np


# --- the forwards the Jacobians are of -----------------------------------

def affine(W, x, b):
    return W @ x + b


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1 / (1 + exp(-z)), without overflow


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0.0)


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def score_z(z, u):
    return float(u @ sigmoid(z))


# --- the Jacobians students write ----------------------------------------

def jacobian_affine(W, x, b):
    """dz/dx = W: z_i = sum_j W_ij x_j + b_i."""
    return np.array(W, dtype=np.float64)


def jacobian_sigmoid(z):
    """An element-wise function has a diagonal Jacobian: diag(f'(z))."""
    h = sigmoid(z)
    return np.diag(h * (1 - h))


def jacobian_tanh(z):
    return np.diag(1 - np.tanh(z) ** 2)


def jacobian_relu(z):
    return np.diag((z > 0).astype(np.float64))


def jacobian_softmax(z):
    """dp_i/dz_j = p_i (delta_ij - p_j): diag(p) - p p^T."""
    p = softmax(z)
    return np.diag(p) - np.outer(p, p)


def jacobian_score_z(z, u):
    """ds/dz = u^T diag(sigmoid'(z)) = u * sigmoid'(z) (shape convention)."""
    h = sigmoid(z)
    return u * h * (1 - h)


# --- mistake variants: what a student who makes each mistake returns ------

def jacobian_sigmoid__activation_for_derivative(z):
    return np.diag(sigmoid(z))


def jacobian_tanh__one_minus_tanh(z):
    return np.diag(1 - np.tanh(z))


def jacobian_score_z__missing_activation_derivative(z, u):
    return np.array(u, dtype=np.float64)
