"""Layers: forward, backward and cache (CS231n layers.py)

Copy this file to layers.py and replace every `raise NotImplementedError`
with your code. Keep the names, the order of the arguments and the return
values. Each forward returns (out, cache); put in the cache whatever its
backward needs. Shapes use the assignment's dimension names (see the
instructions); all arrays are float64. Do not hard-code any size.

Check your work with: self-check layers.py
"""
import numpy as np


def affine_forward(x, w, b):
    """Affine layer: out = x w + b, with each example of x flattened to a row of length D.

    Args:
        x: (N, C, Hi), or any (N, d_1, ..., d_k) with D = d_1 * ... * d_k
        w: (D, M)
        b: (M,)

    Returns a tuple (out, cache):
        out: (N, M)
        cache: anything affine_backward needs
    """
    raise NotImplementedError


def affine_backward(dout, cache):
    """Gradients of the affine layer.

    Args:
        dout: (N, M), the upstream gradient (of the loss with respect to out)
        cache: what affine_forward returned

    Returns a tuple (dx, dw, db):
        dx: the shape of x, (N, C, Hi)
        dw: (D, M)
        db: (M,)
    """
    raise NotImplementedError


def relu_forward(x):
    """Rectified linear unit, element-wise: out = max(x, 0).

    Args:
        x: (N, M)

    Returns a tuple (out, cache):
        out: (N, M)
        cache: anything relu_backward needs
    """
    raise NotImplementedError


def relu_backward(dout, cache):
    """Gradient of the ReLU with respect to its input x.

    Args:
        dout: (N, M), the upstream gradient
        cache: what relu_forward returned

    Returns dx:
        dx: (N, M)
    """
    raise NotImplementedError


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss with margin 1, averaged over the N examples.

    Args:
        x: (N, M), class scores
        y: (N,) int, labels in 0..M-1

    Returns a tuple (loss, dx):
        loss: a float
        dx: (N, M), the gradient of loss with respect to x
    """
    raise NotImplementedError


def softmax_loss(x, y):
    """Softmax cross-entropy loss, averaged over the N examples.

    Args:
        x: (N, M), class scores
        y: (N,) int, labels in 0..M-1

    Returns a tuple (loss, dx):
        loss: a float
        dx: (N, M), the gradient of loss with respect to x
    """
    raise NotImplementedError


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization.

    Args:
        x: (N, M)
        gamma: (M,), scale
        beta: (M,), shift
        bn_param: dict with "mode" ("train" or "test") and optionally "eps",
            "momentum", "running_mean" (M,) and "running_var" (M,). In training
            mode, store the updated running averages in bn_param itself.

    Returns a tuple (out, cache):
        out: (N, M)
        cache: anything batchnorm_backward needs
    """
    raise NotImplementedError


def batchnorm_backward(dout, cache):
    """Gradients of batch normalization (training mode).

    Args:
        dout: (N, M), the upstream gradient
        cache: what batchnorm_forward returned

    Returns a tuple (dx, dgamma, dbeta):
        dx: (N, M)
        dgamma: (M,)
        dbeta: (M,)
    """
    raise NotImplementedError


def dropout_forward(x, dropout_param):
    """Inverted dropout.

    Args:
        x: (N, M)
        dropout_param: dict with "p" (the probability of KEEPING a unit),
            "mode" ("train" or "test") and optionally "seed". Draw the mask
            exactly as the instructions say (section 6).

    Returns a tuple (out, cache):
        out: (N, M)
        cache: anything dropout_backward needs
    """
    raise NotImplementedError


def dropout_backward(dout, cache):
    """Gradient of dropout.

    Args:
        dout: (N, M), the upstream gradient
        cache: what dropout_forward returned

    Returns dx:
        dx: (N, M)
    """
    raise NotImplementedError


def conv_forward_naive(x, w, b, conv_param):
    """Convolution, with loops.

    Args:
        x: (N, C, Hi, Wi)
        w: (F, C, HH, WW), here 3 x 2 filters (HH = 3, WW = 2)
        b: (F,)
        conv_param: dict with "stride" and "pad" (zero padding on each side)

    Returns a tuple (out, cache):
        out: (N, F, H', W'), H' = 1 + (Hi + 2 pad - HH) // stride, W' likewise
        cache: anything conv_backward_naive needs
    """
    raise NotImplementedError


def conv_backward_naive(dout, cache):
    """Gradients of the convolution.

    Args:
        dout: (N, F, H', W'), the upstream gradient
        cache: what conv_forward_naive returned

    Returns a tuple (dx, dw, db):
        dx: (N, C, Hi, Wi)
        dw: (F, C, HH, WW)
        db: (F,)
    """
    raise NotImplementedError


def max_pool_forward_naive(x, pool_param):
    """Max pooling, with loops.

    Args:
        x: (N, C, H, W)
        pool_param: dict with "pool_height", "pool_width" and "stride"

    Returns a tuple (out, cache):
        out: (N, C, H', W'), H' = 1 + (H - pool_height) // stride, W' likewise
        cache: anything max_pool_backward_naive needs
    """
    raise NotImplementedError


def max_pool_backward_naive(dout, cache):
    """Gradient of max pooling.

    Args:
        dout: (N, C, H', W'), the upstream gradient
        cache: what max_pool_forward_naive returned

    Returns dx:
        dx: (N, C, H, W)
    """
    raise NotImplementedError
