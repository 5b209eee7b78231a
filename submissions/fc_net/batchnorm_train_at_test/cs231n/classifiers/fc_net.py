from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """A two-layer fully-connected neural network with ReLU nonlinearity and
    softmax loss: affine - relu - affine - softmax.

    The learnable parameters of the model are stored in the dictionary
    self.params that maps parameter names to numpy arrays.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg
        self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b2"] = np.zeros(num_classes)

    def loss(self, X, y=None):
        """Compute loss and gradient for a minibatch of data.

        Returns scores (N, C) if y is None, else (loss, grads).
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        h, cache1 = affine_relu_forward(X, W1, b1)
        scores, cache2 = affine_forward(h, W2, b2)

        if y is None:
            return scores

        loss, grads = 0, {}
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        dh, grads["W2"], grads["b2"] = affine_backward(dscores, cache2)
        dX, grads["W1"], grads["b1"] = affine_relu_backward(dh, cache1)
        grads["W2"] += self.reg * W2
        grads["W1"] += self.reg * W1

        return loss, grads


class FullyConnectedNet(object):
    """A fully-connected neural network with an arbitrary number of hidden
    layers, ReLU nonlinearities, and a softmax loss function:

    {affine - [batch norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params["b%d" % (i + 1)] = np.zeros(dims[i + 1])
            if self.normalization == "batchnorm" and i < self.num_layers - 1:
                self.params["gamma%d" % (i + 1)] = np.ones(dims[i + 1])
                self.params["beta%d" % (i + 1)] = np.zeros(dims[i + 1])

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout}
            if seed is not None:
                self.dropout_param["seed"] = seed

        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Compute loss and gradient for the fully connected net."""
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"
        if self.use_dropout:
            self.dropout_param["mode"] = mode

        caches = {}
        out = X
        for i in range(1, self.num_layers):
            W, b = self.params["W%d" % i], self.params["b%d" % i]
            if self.normalization == "batchnorm":
                gamma, beta = self.params["gamma%d" % i], self.params["beta%d" % i]
                out, caches["layer%d" % i] = affine_bn_relu_forward(out, W, b, gamma, beta, self.bn_params[i - 1])
            else:
                out, caches["layer%d" % i] = affine_relu_forward(out, W, b)
            if self.use_dropout:
                out, caches["dropout%d" % i] = dropout_forward(out, self.dropout_param)
        L = self.num_layers
        scores, caches["affine%d" % L] = affine_forward(out, self.params["W%d" % L], self.params["b%d" % L])

        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        loss, dout = softmax_loss(scores, y)
        for i in range(1, L + 1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W * W)

        dout, grads["W%d" % L], grads["b%d" % L] = affine_backward(dout, caches["affine%d" % L])
        grads["W%d" % L] += self.reg * self.params["W%d" % L]
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                dout = dropout_backward(dout, caches["dropout%d" % i])
            if self.normalization == "batchnorm":
                dout, grads["W%d" % i], grads["b%d" % i], grads["gamma%d" % i], grads["beta%d" % i] = \
                    affine_bn_relu_backward(dout, caches["layer%d" % i])
            else:
                dout, grads["W%d" % i], grads["b%d" % i] = affine_relu_backward(dout, caches["layer%d" % i])
            grads["W%d" % i] += self.reg * self.params["W%d" % i]

        return loss, grads
