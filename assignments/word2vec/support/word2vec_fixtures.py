"""The arguments of word2vec's functions that are not arrays: a small
dataset, its token table and words of a context. Each factory takes the
dimension sizes it needs and a seed, and builds the same object for the
same arguments every time, in the grader and in the student's process
alike.

The dataset draws with Python's `random` module (as the course's dataset
does), so negative sampling repeats exactly when `random` is reseeded.
"""
import random

WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to", "park",
         "big", "red", "ball", "and", "then", "slept"]


def _words(V):
    """The first V words of the vocabulary; token i is word i."""
    return [WORDS[i] if i < len(WORDS) else f"word{i}" for i in range(V)]


class Dataset:
    """A toy corpus with the interface word2vec uses: tokens(),
    sampleTokenIdx() and getRandomContext(C)."""

    def __init__(self, words, counts, table_size=1000):
        self._words = list(words)
        self._tokens = {w: i for i, w in enumerate(self._words)}
        # Negative samples follow the unigram distribution raised to 3/4:
        # a table in which word i fills a share of the slots proportional
        # to count_i ** 0.75.
        weights = [c ** 0.75 for c in counts]
        total = sum(weights)
        table = []
        for index, weight in enumerate(weights):
            table += [index] * max(1, round(table_size * weight / total))
        self._table = table

    def tokens(self):
        """The token table: word -> index."""
        return self._tokens

    def sampleTokenIdx(self):
        """One token index, drawn with Python's random module."""
        return self._table[random.randint(0, len(self._table) - 1)]

    def getRandomContext(self, C=5):
        """A random centre word and 2C words of context around it."""
        center = self._words[random.randint(0, len(self._words) - 1)]
        context = [self._words[random.randint(0, len(self._words) - 1)] for _ in range(2 * C)]
        return center, context


def dataset(V, seed):
    """A dataset of V tokens, with word frequencies drawn from the seed."""
    rng = random.Random(seed)
    return Dataset(_words(V), [rng.randint(1, 40) for _ in range(V)])


def word_index(V, seed):
    """word2Ind: the dict from each of the V words to its index."""
    return {w: i for i, w in enumerate(_words(V))}


def center_word(V, seed):
    """One of the V words."""
    return _words(V)[random.Random(seed).randrange(V)]


def outside_words(V, window, seed):
    """The 2 * window words around a centre word; the first word appears
    again at the end, as words repeat in real text."""
    rng = random.Random(seed + 1)
    words = _words(V)
    context = [words[rng.randrange(V)] for _ in range(2 * window)]
    context[-1] = context[0]
    return context
