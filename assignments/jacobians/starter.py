"""Jacobians of the building blocks (CS224N lecture 3)

Write each function below; keep the names and the order of the arguments.
Shapes use the assignment's dimension names; all arrays are float64 unless
said otherwise. Check your work with: self-check jacobians.py
"""
import numpy as np


def jacobian_affine(W, x, b):
    """dz/dx for z = W x + b.

    Args:
        W: (H, D)
        x: (D,)
        b: (H,)

    Returns dz_dx:
        dz_dx: (H, D), the Jacobian d(affine)/d(x)
    """
    raise NotImplementedError


def jacobian_sigmoid(z):
    """dh/dz for h = sigmoid(z), element-wise: diag(sigmoid'(z)).

    Args:
        z: (n,)

    Returns dh_dz:
        dh_dz: (n, n), the Jacobian d(sigmoid)/d(z)
    """
    raise NotImplementedError


def jacobian_tanh(z):
    """dh/dz for h = tanh(z), element-wise: diag(1 - tanh(z)^2).

    Args:
        z: (n,)

    Returns dh_dz:
        dh_dz: (n, n), the Jacobian d(tanh)/d(z)
    """
    raise NotImplementedError


def jacobian_relu(z):
    """dh/dz for h = relu(z), element-wise: diag(1[z > 0]).

    Args:
        z: (n,)

    Returns dh_dz:
        dh_dz: (n, n), the Jacobian d(relu)/d(z)
    """
    raise NotImplementedError


def jacobian_softmax(z):
    """dp/dz for p = softmax(z): diag(p) - p p^T.

    Args:
        z: (n,)

    Returns dp_dz:
        dp_dz: (n, n), the Jacobian d(softmax)/d(z)
    """
    raise NotImplementedError


def jacobian_score_z(z, u):
    """ds/dz for s = u . sigmoid(z): u^T diag(sigmoid'(z)), a vector.

    Args:
        z: (n,)
        u: (n,)

    Returns ds_dz:
        ds_dz: (n,), the gradient of score_z with respect to z
    """
    raise NotImplementedError
