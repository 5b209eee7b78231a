"""cs231n/layer_utils.py: layers made of layers, written for you from your
own (layers.py). Use them in fc_net.py where they help; they are not graded
on their own."""
from .layers import *


def affine_relu_forward(x, w, b):
    """An affine layer, then a ReLU: returns (out, cache)."""
    a, affine_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (affine_cache, relu_cache)


def affine_relu_backward(dout, cache):
    """The gradients of affine_relu_forward: returns (dx, dw, db)."""
    affine_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, affine_cache)
