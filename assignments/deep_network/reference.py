"""Reference solution of the deep_network assignment (instructors only:
never give it to students).

Columns are examples: X and every A{l}, Z{l} have one column per example,
W{l} is (n{l}, n{l-1}) and b{l} is (n{l}, 1). Layers 1..L-1 apply the ReLU,
layer L one sigmoid unit. A layer's cache is ((A_prev, W, b), Z); the
network's caches are the list of its L layers' caches, in order.

The gradients follow the course's convention: dA and dZ are derivatives of
the sum of the examples' losses, dW and db of the cost J, their mean.
"""
import numpy as np


# --- the activations and their derivatives ------------------------------------

def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def _activate(Z, activation):
    return _sigmoid(Z) if activation == "sigmoid" else np.maximum(Z, 0.0)


def _derivative(Z, activation):
    if activation == "sigmoid":
        s = _sigmoid(Z)
        return s * (1.0 - s)
    return (Z > 0).astype(np.float64)


# --- forward --------------------------------------------------------------------

def linear_forward(A, W, b):
    return W @ A + b, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    return _activate(Z, activation), (linear_cache, Z)


def _layers(parameters):
    return len(parameters) // 2


def L_model_forward(X, parameters):
    L = _layers(parameters)
    A, caches = X, []
    for l in range(1, L + 1):
        activation = "sigmoid" if l == L else "relu"
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)
        caches.append(cache)
    return A, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


# --- what the gradients are the derivatives of (not written by students) ----------------

def L_model_cost(X, Y, parameters):
    return compute_cost(L_model_forward(X, parameters)[0], Y)


def linear_forward_mean(A, W, b):
    return linear_forward(A, W, b)[0] / A.shape[1]


def linear_activation_forward_mean(A_prev, W, b, activation):
    return linear_activation_forward(A_prev, W, b, activation)[0] / A_prev.shape[1]


# --- backward -------------------------------------------------------------------------

def linear_backward(dZ, cache, summed=True):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m if summed else dZ / m
    return W.T @ dZ, dW, db


def linear_activation_backward(dA, cache, activation, derivative=_derivative, summed=True):
    linear_cache, Z = cache
    return linear_backward(dA * derivative(Z, activation), linear_cache, summed)


def L_model_backward(AL, Y, caches, derivative=_derivative, summed=True):
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], activation,
                                                                           derivative, summed)
        grads[f"dA{l - 1}"] = dA
    return grads


def update_parameters(parameters, grads, learning_rate):
    return {name: value - learning_rate * grads["d" + name] for name, value in parameters.items()}


# --- mistake variants: what a student making that mistake returns ---------------------------

def _activation_itself(Z, activation):
    """g(Z) where g'(Z) belongs."""
    return _activate(Z, activation)


def _mask_from_activation(Z, activation):
    """The ReLU's mask taken from A = relu(Z) with A < 0, which is never true: nothing is masked."""
    return _derivative(Z, activation) if activation == "sigmoid" else np.ones_like(Z)


def linear_backward__db_not_summed(dZ, cache):
    return linear_backward(dZ, cache, summed=False)


def linear_activation_backward__activation_for_derivative(dA, cache, activation):
    return linear_activation_backward(dA, cache, activation, _activation_itself)


def linear_activation_backward__relu_mask_from_activation(dA, cache, activation):
    return linear_activation_backward(dA, cache, activation, _mask_from_activation)


def linear_activation_backward__db_not_summed(dA, cache, activation):
    return linear_activation_backward(dA, cache, activation, summed=False)


def L_model_backward__activation_for_derivative(AL, Y, caches):
    return L_model_backward(AL, Y, caches, _activation_itself)


def L_model_backward__relu_mask_from_activation(AL, Y, caches):
    return L_model_backward(AL, Y, caches, _mask_from_activation)


def L_model_backward__db_not_summed(AL, Y, caches):
    return L_model_backward(AL, Y, caches, summed=False)
