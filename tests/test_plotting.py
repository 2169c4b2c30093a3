"""The figures of the structure and privacy reports: their panels and the data they draw."""

import sys

import numpy as np
import pandas as pd
import pytest
from optional import require

from skmixup import StructurePreservingMixup, Uniform
from skmixup.diagnostics import compare_structure, privacy_report
from skmixup.diagnostics.plotting import correlation_matrices

matplotlib = require("matplotlib")
matplotlib.use("Agg")
plt = require("matplotlib.pyplot")
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import Rectangle, StepPatch  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tables():
    rng = np.random.RandomState(0)
    n = 300
    group = rng.choice(["a", "b", "c"], size=n)
    x = rng.normal(size=n) + (group == "b")
    real = pd.DataFrame(
        {"x": x, "y": x + rng.normal(size=n), "group": group, "z": rng.normal(size=n), "flag": x > 0}
    )
    synthetic = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(real).sample(600)
    return real, synthetic


def _suptitle(figure) -> str:
    """The figure's title (Figure.get_suptitle is new in matplotlib 3.8; the title is a figure text)."""
    return " ".join(text.get_text() for text in figure.texts)


def _titled(figure):
    return {axes.get_title(): axes for axes in figure.axes if axes.get_title()}


def test_structure_figure_panels(tables):
    real, synthetic = tables
    report = compare_structure(real, synthetic)
    figure = report.plot()
    assert figure in map(plt.figure, plt.get_fignums())  # a pyplot figure: notebooks show it
    panels = _titled(figure)
    assert list(panels) == [
        "x",
        "y",
        "group",
        "z",
        "flag",
        "Correlation (real)",
        "Correlation (synthetic)",
        "Difference (synthetic - real)",
        "Means within group",
        "Means within flag",
    ]
    assert len(figure.axes) == len(panels) + 2  # and two colour bars
    assert f"{report.quality_score:.3f}" in _suptitle(figure)
    assert panels["x"].get_xlabel() == f"KSComplement {report.column_shapes.loc['x', 'score']:.3f}"


def test_marginals_draw_the_stored_shares(tables):
    real, synthetic = tables
    report = compare_structure(real, synthetic)
    panels = _titled(report.plot())
    steps = [p for p in panels["y"].patches if isinstance(p, StepPatch)]
    assert len(steps) == 2
    histogram = report.histograms.loc["y"]
    for step, side in zip(steps, ["share_real", "share_synthetic"], strict=True):
        values, edges, _ = step.get_data()
        np.testing.assert_allclose(values, histogram[side])
        np.testing.assert_allclose(edges[:-1], histogram["left"])
    bars = [p for p in panels["group"].patches if isinstance(p, Rectangle)]
    heights = np.array([bar.get_height() for bar in bars])
    shares = report.categories.loc["group"]
    shares = shares[shares["share_real"] > 0]  # the empty missing "category" is not drawn
    np.testing.assert_allclose(heights, np.concatenate([shares["share_real"], shares["share_synthetic"]]))
    labels = [tick.get_text() for tick in panels["group"].get_xticklabels()]
    assert labels == ["a", "b", "c"]


def test_correlation_panels_draw_both_matrices_and_their_difference(tables):
    real, synthetic = tables
    report = compare_structure(real, synthetic)
    panels = _titled(report.plot())
    images = {
        title: next(a for a in panels[title].get_children() if isinstance(a, AxesImage)).get_array()
        for title in ("Correlation (real)", "Correlation (synthetic)", "Difference (synthetic - real)")
    }
    expected_real = real[["x", "y", "z"]].corr().to_numpy()
    np.testing.assert_allclose(images["Correlation (real)"], expected_real)
    expected_synthetic = synthetic[["x", "y", "z"]].corr().to_numpy()
    np.testing.assert_allclose(images["Correlation (synthetic)"], expected_synthetic)
    np.testing.assert_allclose(images["Difference (synthetic - real)"], expected_synthetic - expected_real)
    matrix_real, _ = correlation_matrices(report)
    assert list(matrix_real.columns) == ["x", "y", "z"]


def test_conditional_means_are_drawn_standardized(tables):
    real, synthetic = tables
    report = compare_structure(real, synthetic)
    panel = _titled(report.plot())["Means within group"]
    points = next(c for c in panel.collections if isinstance(c, PathCollection)).get_offsets()
    assert len(points) == 3 * 3  # 3 categories x 3 continuous columns
    columns = ["x", "y", "z"]
    mean, std = real[columns].mean(), real[columns].std()
    expected_x = ((real.groupby("group")[columns].mean() - mean) / std).to_numpy().ravel()
    expected_y = ((synthetic.groupby("group")[columns].mean() - mean) / std).to_numpy().ravel()
    np.testing.assert_allclose(points[:, 0], expected_x)
    np.testing.assert_allclose(points[:, 1], expected_y)


def test_max_columns_and_tables_without_pairs_or_categories():
    X = np.random.RandomState(1).normal(size=(50, 1))
    figure = compare_structure(X, X[:25]).plot()
    assert [axes.get_title() for axes in figure.axes] == ["0"]
    wide = pd.DataFrame(np.random.RandomState(2).normal(size=(40, 6)), columns=list("abcdef"))
    figure = compare_structure(wide, wide).plot(max_columns=2)
    titles = [axes.get_title() for axes in figure.axes if axes.get_title()]
    assert titles[:3] == ["a", "b", "Correlation (real)"]
    with pytest.raises(ValueError, match="max_columns"):
        compare_structure(wide, wide).plot(max_columns=0)


def test_privacy_figure(tables):
    real, synthetic = tables
    holdout = real.sample(frac=1, random_state=3).iloc[:150]
    report = privacy_report(real.iloc[150:], synthetic, holdout)
    figure = report.plot()
    dcr_axes, nndr_axes = figure.axes
    assert dcr_axes.get_title() == "Distance to the closest real record"
    steps = [p for p in dcr_axes.patches if isinstance(p, StepPatch)]
    assert [s.get_label() for s in steps] == ["synthetic rows", "holdout rows"]
    values, edges, _ = steps[0].get_data()
    counts = np.histogram(report.synthetic["dcr"], bins=edges)[0]
    np.testing.assert_allclose(values, counts / len(synthetic))
    values, edges, _ = steps[1].get_data()
    np.testing.assert_allclose(values, np.histogram(report.holdout["dcr"], bins=edges)[0] / len(holdout))
    (nndr,) = [p for p in nndr_axes.patches if isinstance(p, StepPatch)]
    values, edges, _ = nndr.get_data()
    np.testing.assert_allclose(values.sum(), 1.0)
    assert edges[0] == 0 and edges[-1] == 1
    assert f"{report.exact_copies} exact copies" in _suptitle(figure)
    without = privacy_report(real, synthetic).plot()
    assert [s.get_label() for s in without.axes[0].patches if isinstance(s, StepPatch)] == ["synthetic rows"]


def test_missing_matplotlib_names_the_extra(monkeypatch, tables):
    real, synthetic = tables
    report = compare_structure(real, synthetic)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(ImportError, match=r"pip install skmixup\[plot\]"):
        report.plot()
    with pytest.raises(ImportError, match=r"pip install skmixup\[plot\]"):
        privacy_report(real, synthetic).plot()
