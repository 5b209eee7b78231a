"""cs231n/classifiers/fc_net.py: networks as classes, built from your own layers.

Hand in your whole cs231n/ folder: layers.py (affine_forward,
affine_backward, relu_forward, relu_backward, softmax_loss,
batchnorm_forward, batchnorm_backward, dropout_forward, dropout_backward),
layer_utils.py and this file at
classifiers/fc_net.py. Check your work from the folder that holds cs231n/ with:
self-check cs231n/classifiers/fc_net.py --assignment path/to/fc_net
"""
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class TwoLayerNet(object):
    """affine - relu - affine - softmax, with L2 regularisation of the weights.

    self.params holds W1 (D, H), b1 (H,), W2 (H, C) and b2 (C,).
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        """Weights from a normal distribution of standard deviation
        weight_scale, biases zero; keep reg for the loss."""
        raise NotImplementedError

    def loss(self, X, y=None):
        """X: (N, D); y: (N,) int64 labels, or None.

        Returns the scores (N, C) when y is None; otherwise (loss, grads),
        loss the mean softmax loss plus 0.5 * reg * (the sum of the squared
        weights), grads[name] the gradient of loss with respect to
        self.params[name], for every name of self.params.
        """
        raise NotImplementedError


class FullyConnectedNet(object):
    """{affine - [batchnorm] - relu - [dropout]} x (L - 1) - affine - softmax.

    self.params holds W1..WL and b1..bL; layer l's weights are
    (size of layer l-1, size of layer l), from input_dim through
    hidden_dims to num_classes. With normalization="batchnorm" it also
    holds gamma1..gamma(L-1) (ones) and beta1..beta(L-1) (zeros), and
    self.bn_params is a list of one dict per hidden layer, {"mode": "train"},
    where batchnorm_forward keeps its running_mean and running_var.
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        """Dropout after each ReLU when dropout < 1, its masks
        drawn after seeding with seed when one is given; batch
        normalisation before each ReLU when normalization is "batchnorm";
        every parameter cast to dtype."""
        raise NotImplementedError

    def loss(self, X, y=None):
        """As TwoLayerNet.loss: the scores at test time (y None: dropout
        off, every bn_param's mode "test"), else (loss, grads) in training
        mode (dropout on, batch statistics), grads holding gamma and beta's
        gradients too."""
        raise NotImplementedError
