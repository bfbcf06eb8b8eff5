"""Doctest namespace of the docstring examples (``pytest --doctest-modules statlearn``).

numpydoc's convention: examples may assume ``import numpy as np`` has run, so the
docstrings do not repeat it.
"""

import pytest


@pytest.fixture(autouse=True)
def _doctest_numpy(doctest_namespace):
    import numpy as np

    doctest_namespace["np"] = np
