"""cs231n/layers.py: Fully connected networks, as classes (CS231n fc_net.py)

Write each function below; keep the names and the order of the arguments.
Shapes use the assignment's dimension names; all arrays are float64 unless
said otherwise. Hand in the whole cs231n/ folder; check your work from the
folder that holds it with: self-check cs231n/classifiers/fc_net.py
"""
import numpy as np


def affine_forward(x, w, b):
    """out = x w + b for a batch of rows x.

    Args:
        x: (N, D)
        w: (D, H)
        b: (H,)

    Returns a tuple (out, cache):
        out: (N, H)
        cache: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def affine_backward(dout, cache):
    """The affine layer's gradients with respect to x, w and b, given the upstream dout.

    Args:
        dout: (N, H)
        cache: the cache your affine_forward returned

    Returns a tuple (dx, dw, db):
        dx: (N, D), the gradient with respect to x, given the upstream gradient dout of affine_forward.out
        dw: (D, H), the gradient with respect to w, given the upstream gradient dout of affine_forward.out
        db: (H,), the gradient with respect to b, given the upstream gradient dout of affine_forward.out
    """
    raise NotImplementedError


def relu_forward(x):
    """max(x, 0), element by element.

    Args:
        x: (N, H)

    Returns a tuple (out, cache):
        out: (N, H)
        cache: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def relu_backward(dout, cache):
    """The ReLU's gradient with respect to its input, given the upstream dout.

    Args:
        dout: (N, H)
        cache: the cache your relu_forward returned

    Returns dx:
        dx: (N, H), the gradient with respect to x, given the upstream gradient dout of relu_forward.out
    """
    raise NotImplementedError


def softmax_loss(x, y):
    """The mean softmax (cross-entropy) loss of scores x for labels y, and its gradient.

    Args:
        x: (N, C)
        y: (N,) int64

    Returns a tuple (loss, dx):
        loss: scalar
        dx: (N, C), the gradient of loss with respect to x
    """
    raise NotImplementedError


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization. In training mode (bn_param["mode"] "train"): normalize
    with the batch's mean and variance, and update bn_param's running_mean and
    running_var (zeros where absent) with its momentum; at test time ("test"):
    normalize with running_mean and running_var.

    Args:
        x: (N, H1)
        gamma: (H1,)
        beta: (H1,)
        bn_param: dict, e.g. {'mode': 'train', 'eps': 1e-05, 'momentum': 0.9}

    Returns a tuple (out, cache):
        out: (N, H1)
        cache: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def batchnorm_backward(dout, cache):
    """Gradients of batch normalization (training mode) with respect to x, gamma and beta.

    Args:
        dout: (N, H1)
        cache: the cache your batchnorm_forward returned

    Returns a tuple (dx, dgamma, dbeta):
        dx: (N, H1), the gradient with respect to x, given the upstream gradient dout of batchnorm_forward.out
        dgamma: (H1,), the gradient with respect to gamma, given the upstream gradient dout of batchnorm_forward.out
        dbeta: (H1,), the gradient with respect to beta, given the upstream gradient dout of batchnorm_forward.out
    """
    raise NotImplementedError


def dropout_forward(x, dropout_param):
    """Inverted dropout, for FullyConnectedNet.

    Args:
        x: an array of any shape
        dropout_param: a dict of
            "p": float, the probability of keeping each unit
            "mode": "train" (drop units, scale the kept ones by 1/p) or "test" (pass x through)
            "seed": int, if given: seed numpy's random numbers before drawing the mask

    Returns a tuple (out, cache):
        out: the shape of x
        cache: anything dropout_backward needs (it stays with you)
    """
    raise NotImplementedError


def dropout_backward(dout, cache):
    """The gradient of inverted dropout with respect to its input, given the upstream dout.

    Args:
        dout: the shape of dropout_forward's x
        cache: the cache your dropout_forward returned

    Returns dx:
        dx: the shape of dout
    """
    raise NotImplementedError
