"""Reference solution of the word2vec assignment (instructors only: never
give it to students).

Notation: v_c = centerWordVec (d,), U = outsideVectors (V, d) with rows u_w,
o = outsideWordIdx. Every function is deterministic once Python's `random`
is seeded: negative samples come from dataset.sampleTokenIdx().
"""
import numpy as np


def sigmoid(x):
    """1 / (1 + exp(-x)), element-wise, written with tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def _log_sigmoid(t):
    return -np.logaddexp(0.0, -t)


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    """J = -log softmax(U v_c)_o, with its gradients with respect to v_c and U."""
    scores = outsideVectors @ centerWordVec                     # (V,)
    top = scores.max()
    log_norm = top + np.log(np.exp(scores - top).sum())
    loss = float(log_norm - scores[outsideWordIdx])
    delta = np.exp(scores - log_norm)                           # y_hat
    delta[outsideWordIdx] -= 1.0                                # y_hat - y
    gradCenterVec = outsideVectors.T @ delta                    # U^T (y_hat - y), (d,)
    gradOutsideVecs = np.outer(delta, centerWordVec)            # (y_hat - y) v_c^T, (V, d)
    return loss, gradCenterVec, gradOutsideVecs


def getNegativeSamples(outsideWordIdx, dataset, K):
    """K token indices from the dataset, each redrawn while it is the outside word."""
    samples = []
    while len(samples) < K:
        index = dataset.sampleTokenIdx()
        if index != outsideWordIdx:
            samples.append(index)
    return samples


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    """J = -log sigma(u_o . v_c) - sum_k log sigma(-u_k . v_c), k over K negative samples."""
    negatives = np.array(getNegativeSamples(outsideWordIdx, dataset, K), dtype=np.int64)
    u_o = outsideVectors[outsideWordIdx]
    u_k = outsideVectors[negatives]                             # (K, d), repeated rows included
    s_o = u_o @ centerWordVec
    s_k = u_k @ centerWordVec
    loss = float(-_log_sigmoid(s_o) - _log_sigmoid(-s_k).sum())
    g_o = sigmoid(s_o) - 1.0                                    # dJ/ds_o = -(1 - sigma(s_o))
    g_k = sigmoid(s_k)                                          # dJ/ds_k = 1 - sigma(-s_k)
    gradCenterVec = g_o * u_o + g_k @ u_k
    gradOutsideVecs = np.zeros_like(outsideVectors, dtype=np.float64)
    gradOutsideVecs[outsideWordIdx] += g_o * centerWordVec
    np.add.at(gradOutsideVecs, negatives, np.outer(g_k, centerWordVec))   # a repeated sample counts each time
    return loss, gradCenterVec, gradOutsideVecs


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind, centerWordVectors, outsideVectors,
             dataset, word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """The loss of every outside word of the window, summed, and its gradients."""
    center = word2Ind[currentCenterWord]
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)
    for word in outsideWords:
        j, g_center, g_outside = word2vecLossAndGradient(centerWordVectors[center], word2Ind[word],
                                                         outsideVectors, dataset)
        loss += j
        gradCenterVecs[center] += g_center
        gradOutsideVectors += g_outside
    return loss, gradCenterVecs, gradOutsideVectors


# --- mistake variants: what a student who makes each mistake returns -----------

def naiveSoftmaxLossAndGradient__true_row_only(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    """Only the true outside word's row of gradOutsideVecs is filled in."""
    loss, gradCenterVec, full = naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset)
    gradOutsideVecs = np.zeros_like(full)
    gradOutsideVecs[outsideWordIdx] = full[outsideWordIdx]
    return loss, gradCenterVec, gradOutsideVecs


def negSamplingLossAndGradient__no_minus_inside_sigmoid(centerWordVec, outsideWordIdx, outsideVectors, dataset,
                                                        K=10):
    """The negative samples' terms written as log sigma(u_k . v_c), without the minus
    sign, and the gradients derived from that loss."""
    negatives = np.array(getNegativeSamples(outsideWordIdx, dataset, K), dtype=np.int64)
    u_o, u_k = outsideVectors[outsideWordIdx], outsideVectors[negatives]
    s_o, s_k = u_o @ centerWordVec, u_k @ centerWordVec
    loss = float(-_log_sigmoid(s_o) - _log_sigmoid(s_k).sum())
    g_o, g_k = sigmoid(s_o) - 1.0, sigmoid(s_k) - 1.0
    gradCenterVec = g_o * u_o + g_k @ u_k
    gradOutsideVecs = np.zeros_like(outsideVectors, dtype=np.float64)
    gradOutsideVecs[outsideWordIdx] += g_o * centerWordVec
    np.add.at(gradOutsideVecs, negatives, np.outer(g_k, centerWordVec))
    return loss, gradCenterVec, gradOutsideVecs


def negSamplingLossAndGradient__repeats_overwritten(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    """gradOutsideVecs[negatives] += ...: a sample drawn several times counts once."""
    negatives = np.array(getNegativeSamples(outsideWordIdx, dataset, K), dtype=np.int64)
    u_o, u_k = outsideVectors[outsideWordIdx], outsideVectors[negatives]
    s_o, s_k = u_o @ centerWordVec, u_k @ centerWordVec
    loss = float(-_log_sigmoid(s_o) - _log_sigmoid(-s_k).sum())
    g_o, g_k = sigmoid(s_o) - 1.0, sigmoid(s_k)
    gradCenterVec = g_o * u_o + g_k @ u_k
    gradOutsideVecs = np.zeros_like(outsideVectors, dtype=np.float64)
    gradOutsideVecs[outsideWordIdx] += g_o * centerWordVec
    gradOutsideVecs[negatives] += np.outer(g_k, centerWordVec)   # buffered: one update per distinct index
    return loss, gradCenterVec, gradOutsideVecs


def skipgram__center_overwritten(currentCenterWord, windowSize, outsideWords, word2Ind, centerWordVectors,
                                 outsideVectors, dataset, word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    """The centre word's gradient assigned (=) for each outside word instead of summed."""
    center = word2Ind[currentCenterWord]
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)
    for word in outsideWords:
        j, g_center, g_outside = word2vecLossAndGradient(centerWordVectors[center], word2Ind[word],
                                                         outsideVectors, dataset)
        loss += j
        gradCenterVecs[center] = g_center
        gradOutsideVectors += g_outside
    return loss, gradCenterVecs, gradOutsideVectors
