#!/usr/bin/env python

import argparse
import numpy as np
import random

from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp
from utils.utils import normalizeRows, softmax


def sigmoid(x):
    """Sigmoid of a scalar or numpy array."""
    s = 1.0 / (1.0 + np.exp(-x))
    return s


def naiveSoftmaxLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset
):
    """Naive softmax loss and gradients for one (center, outside) pair."""
    v_c = centerWordVec.reshape(-1, 1)                  # column vector (d, 1), as in the handout's math
    y_hat = softmax((outsideVectors @ v_c).T)           # (1, V)
    loss = -np.log(y_hat[:, outsideWordIdx])            # (1,)

    err = y_hat.copy()
    err[:, outsideWordIdx] -= 1.0                       # (1, V)

    gradCenterVec = (err @ outsideVectors).reshape(-1)  # (d,)
    gradOutsideVecs = err.T @ v_c.T                     # (V, d)
    return loss, gradCenterVec, gradOutsideVecs


def getNegativeSamples(outsideWordIdx, dataset, K):
    """K sampled word indices, none of them equal to outsideWordIdx."""
    samples = []
    while len(samples) < K:
        idx = dataset.sampleTokenIdx()
        if idx == outsideWordIdx:
            continue  # redraw
        samples.append(idx)
    return samples


def negSamplingLossAndGradient(
    centerWordVec,
    outsideWordIdx,
    outsideVectors,
    dataset,
    K=10
):
    """Negative sampling loss and gradients for one (center, outside) pair."""
    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)
    indices = [outsideWordIdx] + negSampleWordIndices

    gradCenterVec = np.zeros(centerWordVec.shape)
    gradOutsideVecs = np.zeros(outsideVectors.shape)

    u_o = outsideVectors[outsideWordIdx]
    sig_o = sigmoid(u_o @ centerWordVec)
    loss = -np.log(sig_o)
    gradCenterVec += (sig_o - 1.0) * u_o
    gradOutsideVecs[outsideWordIdx] += (sig_o - 1.0) * centerWordVec

    for k in negSampleWordIndices:
        u_k = outsideVectors[k]
        sig_k = sigmoid(-u_k @ centerWordVec)
        loss -= np.log(sig_k)
        gradCenterVec += (1.0 - sig_k) * u_k
        gradOutsideVecs[k] += (1.0 - sig_k) * centerWordVec

    return loss, gradCenterVec, gradOutsideVecs


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """Skip-gram model for one center word and its window."""
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)

    c = word2Ind[currentCenterWord]
    v_c = centerWordVectors[c]
    for w in outsideWords:
        l, g_c, g_out = word2vecLossAndGradient(v_c, word2Ind[w], outsideVectors, dataset)
        loss += l
        gradCenterVecs[c] += g_c
        gradOutsideVectors += g_out

    return loss, gradCenterVecs, gradOutsideVectors


# ---- my own checks (run: python word2vec.py) ----

def _window_objective(model, word2Ind, wordVectors, dataset, windowSize, lossFn, batch=20):
    """Average skipgram loss over random windows; wordVectors stacks center then outside vectors."""
    half = wordVectors.shape[0] // 2
    loss, grad = 0.0, np.zeros(wordVectors.shape)
    for _ in range(batch):
        size = random.randint(1, windowSize)
        center, context = dataset.getRandomContext(size)
        l, g_in, g_out = model(center, size, context, word2Ind,
                               wordVectors[:half], wordVectors[half:], dataset, lossFn)
        loss += l / batch
        grad[:half] += g_in / batch
        grad[half:] += g_out / batch
    return loss, grad


class _ToyData:
    words = ["a", "b", "c", "d", "e"]

    def sampleTokenIdx(self):
        return random.randint(0, 4)

    def getRandomContext(self, C):
        pick = lambda: self.words[random.randint(0, 4)]
        return pick(), [pick() for _ in range(2 * C)]


def run_checks():
    random.seed(1)
    np.random.seed(2)
    data = _ToyData()
    tokens = {w: i for i, w in enumerate(_ToyData.words)}
    vectors = normalizeRows(np.random.randn(10, 3))
    for lossFn in (naiveSoftmaxLossAndGradient, negSamplingLossAndGradient):
        gradcheck_naive(lambda v: _window_objective(skipgram, tokens, v, data, 5, lossFn),
                        vectors, lossFn.__name__)
    grad_tests_softmax(skipgram, tokens, vectors, data)
    grad_tests_negsamp(skipgram, tokens, vectors, data, negSamplingLossAndGradient)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("what", nargs="?", default="all")
    if parser.parse_args().what in ("all", "skipgram"):
        run_checks()
