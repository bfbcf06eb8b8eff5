"""PathDisplay draws the CV curve with its standard errors and the coefficient path."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from statlearn.datasets import make_presto_data
from statlearn.ordinal import PathDisplay, PrestoCV, presto_path


def test_from_estimator_and_from_path():
    X, y = make_presto_data(400, 4, intercepts=(0.0, 1.5, 3.0), random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    cv = PrestoCV(n_lambdas=6, cv=3, random_state=0).fit(frame, y)
    only_cv = PathDisplay.from_estimator(cv)
    assert len(only_cv.axes_) == 1
    line, band = only_cv.lines_["cv"]
    np.testing.assert_allclose(line.get_ydata(), cv.cv_results_["mean_score"])
    assert "log_loss" in only_cv.axes_[0].get_ylabel()
    disp = PathDisplay.from_estimator(cv, frame, y)
    assert len(disp.axes_) == 3 and len(disp.lines_["first"]) == 4 == len(disp.lines_["departure"])
    legend = [t.get_text() for t in disp.axes_[2].get_legend().get_texts()]
    assert set(legend) <= {"a", "b", "c", "d"} and legend
    path = presto_path(X, y, lambdas=cv.lambdas_, first_block_penalty=cv.first_block_penalty)
    np.testing.assert_allclose(disp.lines_["first"][1].get_ydata(), path.coef[:, 1, 0], atol=1e-6)
    for a in disp.axes_:
        assert a.get_xlabel() and a.get_ylabel() and a.get_xscale() == "log"
    p2 = PathDisplay.from_path(path)
    assert len(p2.axes_) == 2
    fig, axes = plt.subplots(1, 2)
    assert PathDisplay.from_path(path, ax=axes).figure_ is fig
    with pytest.raises(ValueError, match="`ax`"):
        PathDisplay.from_path(path, ax=axes[:1])
    with pytest.raises(ValueError, match="`y`"):
        PathDisplay.from_estimator(cv, frame)
    plt.close("all")
