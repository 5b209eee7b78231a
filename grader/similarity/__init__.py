"""Look-alike submissions: every pair of a class's submissions compared on
their code's tokens, to point an instructor at pairs worth reading side by
side. The pipeline, one module a step:

    sources.py       a submission's code: its .py files, a notebook's code cells
    tokens.py        the code as normalised tokens (Python's lexer; names and literals made alike)
    fingerprints.py  winnowed k-gram hashes of the tokens
    pairs.py         every pair sharing fingerprints, at once (an inverted index, in numpy)
    compare.py       the pairs above a threshold, and the regions they share (the models)
    report.py        similarity.json, the side-by-side page, the class page's section
    run.py           the step of `grade DIR`

Nothing here runs a student's code: it is only read and lexed."""
