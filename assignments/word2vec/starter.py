"""word2vec: skip-gram, naive softmax and negative sampling (CS224N)

Copy this file to word2vec.py and replace every `raise NotImplementedError`
with your code. Keep the names, the order of the arguments, the defaults and
the return values. All arrays are float64; do not hard-code any size.

The imports below need the assignment's `utils` folder (in support/) beside
this file or on your PYTHONPATH.

Check your work with: self-check word2vec.py
"""
import random

import numpy as np

from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp
from utils.utils import normalizeRows, softmax


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), element-wise.

    Args:
        x: a number or an array of any shape

    Returns s:
        s: sigmoid(x), the same shape as x
    """
    raise NotImplementedError


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    """J = -log softmax(U v_c)[o], and its gradients with respect to v_c and U.

    Args:
        centerWordVec: (d,), v_c
        outsideWordIdx: int, o
        outsideVectors: (V, d), U: row w is u_w
        dataset: not needed here (both losses take the same arguments)

    Returns a tuple (loss, gradCenterVec, gradOutsideVecs):
        loss: a float
        gradCenterVec: (d,), dJ/dv_c
        gradOutsideVecs: (V, d), dJ/dU
    """
    raise NotImplementedError


def getNegativeSamples(outsideWordIdx, dataset, K):
    """K word indices drawn with dataset.sampleTokenIdx(), none equal to outsideWordIdx.

    Draw them in order, one sampleTokenIdx() call per draw, drawing again
    whenever the index is outsideWordIdx.

    Args:
        outsideWordIdx: int
        dataset: has sampleTokenIdx()
        K: int

    Returns negSampleWordIndices:
        negSampleWordIndices: a list of K ints
    """
    raise NotImplementedError


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    """J = -log sigma(u_o . v_c) - sum_k log sigma(-u_k . v_c), and its gradients.

    Get the K negative samples from getNegativeSamples(outsideWordIdx, dataset, K);
    a sample drawn several times counts several times.

    Args:
        centerWordVec: (d,), v_c
        outsideWordIdx: int, o
        outsideVectors: (V, d), U: row w is u_w
        dataset: has sampleTokenIdx()
        K: int, the number of negative samples

    Returns a tuple (loss, gradCenterVec, gradOutsideVecs):
        loss: a float
        gradCenterVec: (d,), dJ/dv_c
        gradOutsideVecs: (V, d), dJ/dU
    """
    raise NotImplementedError


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """Skip-gram: the losses of the outside words of one window, summed, and their gradients.

    Args:
        currentCenterWord: str, the centre word
        windowSize: int, the window's half-width
        outsideWords: list of str, the words of the window (at most 2 * windowSize)
        word2Ind: dict from words to indices
        centerWordVectors: (V, d), row w is v_w
        outsideVectors: (V, d), row w is u_w
        dataset: passed on to word2vecLossAndGradient
        word2vecLossAndGradient: naiveSoftmaxLossAndGradient or negSamplingLossAndGradient

    Returns a tuple (loss, gradCenterVecs, gradOutsideVectors):
        loss: a float
        gradCenterVecs: (V, d), the gradient with respect to centerWordVectors
        gradOutsideVectors: (V, d), the gradient with respect to outsideVectors
    """
    raise NotImplementedError


if __name__ == "__main__":
    # Your own checks, for example with gradcheck_naive(f, x, "name"), where
    # f(x) returns (value, gradient), and with grad_tests_softmax(skipgram,
    # tokens, vectors, dataset) on a small dataset of your own.
    pass
