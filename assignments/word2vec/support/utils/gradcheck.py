"""Checking hand-written gradients numerically.

gradcheck_naive(f, x, gradientText) compares the gradient a function
returns with central differences of the value it returns, one entry of x at
a time. grad_tests_softmax and grad_tests_negsamp run skipgram, with each
loss, on a few contexts of a small dataset and check the shapes and the
gradients of what it returns.
"""
import random

import numpy as np

STEP = 1e-4          # the finite-difference step
TOLERANCE = 1e-5     # largest relative difference accepted


def _relative(a, b):
    return abs(a - b) / max(1.0, abs(a), abs(b))


def gradcheck_naive(f, x, gradientText):
    """Compare f's gradient with central differences of f's value.

    f takes the array x and returns (value, gradient), gradient shaped like
    x. Python's random state is put back to where it was before each call of
    f, so a function that samples (negative sampling, say) samples the same
    way every time and is differentiable. x is changed during the check and
    restored at the end.

    Returns True when every entry agrees within TOLERANCE, else prints the
    first entry that does not and returns False.
    """
    state = random.getstate()

    def value_at():
        random.setstate(state)
        value, _ = f(x)
        return float(value)

    random.setstate(state)
    _, grad = f(x)
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != np.shape(x):
        print(f"Gradient check failed for {gradientText}: the gradient has shape {grad.shape}, "
              f"but the variable has shape {np.shape(x)}.")
        return False

    for index in np.ndindex(*np.shape(x)):
        original = x[index]
        x[index] = original + STEP
        above = value_at()
        x[index] = original - STEP
        below = value_at()
        x[index] = original
        numeric = (above - below) / (2 * STEP)
        if _relative(numeric, grad[index]) > TOLERANCE:
            print(f"Gradient check failed for {gradientText}.")
            print(f"First gradient error found at index {index} of the variable: "
                  f"your gradient is {grad[index]:.6g}, the numerical gradient is {numeric:.6g}.")
            random.setstate(state)
            return False

    random.setstate(state)
    print(f"Gradient check passed for {gradientText}.")
    return True


def _check_skipgram(name, call, dummy_tokens, dummy_vectors, dataset, contexts=3):
    """Run skipgram (through `call`) on a few random contexts of the dataset;
    check the shapes of what it returns and its gradients."""
    vocabulary = len(dummy_tokens)
    center = dummy_vectors[:vocabulary, :].copy()
    outside = dummy_vectors[vocabulary:, :].copy()
    passed = True
    for trial in range(contexts):
        window = 1 + trial
        word, context = dataset.getRandomContext(window)
        state = random.getstate()

        def run(c, o):
            random.setstate(state)
            return call(word, window, context, dummy_tokens, c, o, dataset)

        loss, grad_center, grad_outside = run(center, outside)
        if np.ndim(loss) != 0:
            print(f"{name}: the loss should be a single number, not an array of shape {np.shape(loss)}.")
            passed = False
        for label, grad, like in (("gradCenterVecs", grad_center, center),
                                  ("gradOutsideVectors", grad_outside, outside)):
            if np.shape(grad) != like.shape:
                print(f"{name}: {label} has shape {np.shape(grad)}; expected {like.shape}.")
                passed = False
        if passed:
            passed = gradcheck_naive(lambda c: run(c, outside)[:2], center, f"{name}: gradCenterVecs")
        if passed:
            passed = gradcheck_naive(lambda o: run(center, o)[::2], outside, f"{name}: gradOutsideVectors")
        if not passed:
            break
    print(f"{name}: " + ("all tests passed." if passed else "some tests failed; see above."))
    return passed


def grad_tests_softmax(skipgram, dummy_tokens, dummy_vectors, dataset):
    """Sanity tests of skipgram with its default loss, the naive softmax."""
    print("==== Sanity tests of skipgram with naiveSoftmaxLossAndGradient ====")
    return _check_skipgram("skipgram with naive softmax", skipgram, dummy_tokens, dummy_vectors, dataset)


def grad_tests_negsamp(skipgram, dummy_tokens, dummy_vectors, dataset, negSamplingLossAndGradient):
    """Sanity tests of skipgram with the negative-sampling loss."""
    print("==== Sanity tests of skipgram with negSamplingLossAndGradient ====")

    def call(*args):
        return skipgram(*args, negSamplingLossAndGradient)

    return _check_skipgram("skipgram with negative sampling", call, dummy_tokens, dummy_vectors, dataset)
