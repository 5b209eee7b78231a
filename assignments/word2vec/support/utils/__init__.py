"""Helpers for the word2vec assignment: `utils.utils` (normalizeRows,
softmax) and `utils.gradcheck` (a numerical gradient checker and sanity
tests for skipgram). Students get this folder with the assignment."""
