"""A deep network, step by step

Write each function below; keep the names and the order of the arguments.
Shapes use the assignment's dimension names; all arrays are float64 unless
said otherwise. Check your work with: self-check deep_network.py
"""
import numpy as np


def linear_forward(A, W, b):
    """The linear part of a layer: Z = W A + b, and the cache (A, W, b).

    Args:
        A: (n0, m)
        W: (n1, n0)
        b: (n1, 1)

    Returns a tuple (Z, cache):
        Z: (n1, m)
        cache: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def linear_activation_forward(A_prev, W, b, activation):
    """A layer: A = g(W A_prev + b) with g the sigmoid or the ReLU, and the cache (linear, activation).

    Args:
        A_prev: (n0, m)
        W: (n1, n0)
        b: (n1, 1)
        activation: str, one of 'sigmoid', 'relu'

    Returns a tuple (A, cache):
        A: (n1, m)
        cache: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def L_model_forward(X, parameters):
    """The network: L-1 ReLU layers, then a sigmoid layer; AL and the list of the L layers' caches.

    Args:
        X: (n0, m)
        parameters: a dict of
            parameters["W1"]: (n1, n0)
            parameters["W2"]: (n2, n1)
            parameters["b1"]: (n1, 1)
            parameters["b2"]: (n2, 1)
            parameters["W3"]: (1, n2)
            parameters["b3"]: (1, 1)

    Returns a tuple (AL, caches):
        AL: (1, m)
        caches: anything your backward function needs (it stays with you)
    """
    raise NotImplementedError


def compute_cost(AL, Y):
    """The cross-entropy cost: the mean over the m examples of -(y log a + (1 - y) log(1 - a)).

    Args:
        AL: (1, m)
        Y: (1, m) int64

    Returns cost:
        cost: scalar
    """
    raise NotImplementedError


def linear_backward(dZ, cache):
    """The gradients of the linear part: dA_prev = W^T dZ, dW = dZ A_prev^T / m, db = the mean of dZ's columns.

    Args:
        dZ: (n1, m)
        cache: the cache your linear_forward returned

    Returns a tuple (dA_prev, dW, db):
        dA_prev: (n0, m), the gradient with respect to A, given the upstream gradient dZ of linear_forward.Z
        dW: (n1, n0), the gradient with respect to W, given the upstream gradient dZ of linear_forward_mean
        db: (n1, 1), the gradient with respect to b, given the upstream gradient dZ of linear_forward_mean
    """
    raise NotImplementedError


def linear_activation_backward(dA, cache, activation):
    """The gradients of a layer: dZ = dA * g'(Z), then linear_backward.

    Args:
        dA: (n1, m)
        cache: the cache your linear_activation_forward returned
        activation: str, one of 'sigmoid', 'relu'

    Returns a tuple (dA_prev, dW, db):
        dA_prev: (n0, m), the gradient with respect to A_prev, given the upstream gradient dA of linear_activation_forward.A
        dW: (n1, n0), the gradient with respect to W, given the upstream gradient dA of linear_activation_forward_mean
        db: (n1, 1), the gradient with respect to b, given the upstream gradient dA of linear_activation_forward_mean
    """
    raise NotImplementedError


def L_model_backward(AL, Y, caches):
    """Every gradient of the network, in a dictionary: dA{l} for l = 0..L-1, dW{l} and db{l} for l = 1..L.

    Args:
        AL: the AL your L_model_forward returned
        Y: (1, m) int64
        caches: the cache your L_model_forward returned

    Returns grads:
        grads: a dict of
            grads["dA0"]: (n0, m)
            grads["dA1"]: (n1, m)
            grads["dA2"]: (n2, m)
            grads["dW1"]: (n1, n0), the gradient of L_model_cost with respect to parameters["W1"]
            grads["dW2"]: (n2, n1), the gradient of L_model_cost with respect to parameters["W2"]
            grads["db1"]: (n1, 1), the gradient of L_model_cost with respect to parameters["b1"]
            grads["db2"]: (n2, 1), the gradient of L_model_cost with respect to parameters["b2"]
            grads["dW3"]: (1, n2), the gradient of L_model_cost with respect to parameters["W3"]
            grads["db3"]: (1, 1), the gradient of L_model_cost with respect to parameters["b3"]
    """
    raise NotImplementedError


def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent: W{l} - learning_rate * dW{l}, b{l} - learning_rate * db{l}.

    Args:
        parameters: a dict of
            parameters["W1"]: (n1, n0)
            parameters["W2"]: (n2, n1)
            parameters["b1"]: (n1, 1)
            parameters["b2"]: (n2, 1)
            parameters["W3"]: (1, n2)
            parameters["b3"]: (1, 1)
        grads: a dict of
            grads["dW1"]: (n1, n0)
            grads["dW2"]: (n2, n1)
            grads["db1"]: (n1, 1)
            grads["db2"]: (n2, 1)
            grads["dW3"]: (1, n2)
            grads["db3"]: (1, 1)
        learning_rate: float, one of 0.1, 0.75

    Returns parameters:
        parameters: a dict of
            parameters["W1"]: (n1, n0)
            parameters["W2"]: (n2, n1)
            parameters["b1"]: (n1, 1)
            parameters["b2"]: (n2, 1)
            parameters["W3"]: (1, n2)
            parameters["b3"]: (1, 1)
    """
    raise NotImplementedError
