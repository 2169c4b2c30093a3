"""
Realism and privacy of a synthetic table
========================================

Does a synthetic table look real, and is it safe to share?
:func:`~skmixup.diagnostics.compare_structure` answers the first question with
moments and sdmetrics' quality scores, :func:`~skmixup.diagnostics.privacy_report`
the second with distances to the closest real record, measured against real rows
the synthesiser never saw.  Both draw their figures with ``report.plot()``, and
:func:`~skmixup.diagnostics.html_report` puts them in one HTML page
(:ref:`realism_privacy`).
"""

# %%
# Real rows, held-out rows, synthetic rows
# ----------------------------------------
# scikit-learn's diabetes table in its original units: 442 patients, nine
# continuous columns and a target, ``sex`` as a category (the table of
# ``skmixup demo``).  Half of the rows train the synthesiser; the other
# half is the holdout, new rows of the same population against which closeness
# is judged.
import matplotlib.pyplot as plt
import numpy as np

from skmixup import EpBeta, StructurePreservingMixup, Uniform
from skmixup.cli import load_demo_table
from skmixup.diagnostics import compare_structure, html_report, privacy_report

table = load_demo_table().sample(frac=1, random_state=0).reset_index(drop=True)
real, holdout = table[:221], table[221:].reset_index(drop=True)
synthetic = StructurePreservingMixup(weights=EpBeta(delta=0.02), random_state=0).fit(real).sample(2000)

# %%
# Does it look real?
# ------------------
# Moments, correlations, category shares, conditional means and sdmetrics'
# quality scores, real against synthetic.
report = compare_structure(real, synthetic)
print(report)
print(report.column_shapes.T.round(3).to_string())

# %%
# The figure: each column's marginal (histograms, bar charts), the correlation
# matrices and their difference, and the means of each continuous column within
# each category, synthetic against real (on the diagonal: kept).
report.plot()
plt.show()

# %%
# Uniform weights, for contrast: the marginals narrow (variances shrink by a
# third) and the conditional means are pulled a quarter of the way towards 0.
uniform = StructurePreservingMixup(weights=Uniform(), random_state=0).fit(real).sample(2000)
compare_structure(real, uniform).plot()
plt.show()

# %%
# Is it safe to share?
# --------------------
# The distance to the closest real record (DCR) of every synthetic row, and of
# every holdout row for reference; the nearest-neighbour distance ratio; exact
# copies; and the share of synthetic rows closer to the real table than to the
# holdout (one half for new data).
privacy = privacy_report(real, synthetic, holdout)
print(privacy)
privacy.plot()
plt.show()

# %%
# Mixup moves real rows a little: most synthetic rows are closer to one real
# row than new data would be.  A larger δ moves them further, at a small cost
# in realism (``benchmarks/study_realism.py`` measures the trade-off).
for delta in (0.01, 0.02, 0.05):
    rows = StructurePreservingMixup(weights=EpBeta(delta=delta), random_state=0).fit(real).sample(2000)
    quality = compare_structure(real, rows).quality_score
    closeness = privacy_report(real, rows, holdout)
    print(
        f"δ = {delta}: quality {quality:.3f}, median DCR {np.median(closeness.synthetic['dcr']):.3f} "
        f"(new rows {np.median(closeness.holdout['dcr']):.3f}), "
        f"closer to real {closeness.closer_to_real_share:.0%}"
    )

# %%
# One page to share
# -----------------
# ``html_report`` returns a complete HTML document: the scores, tables and
# figures above, with the images inside the file and nothing loaded from
# elsewhere.  Write it with ``Path("report.html").write_text(page, encoding="utf-8")``.
page = html_report(real, synthetic, holdout=holdout, title="Diabetes, EpBeta(δ=0.02)")
print(f"{len(page) / 1e3:.0f} kB, {page.count('<img')} figures, starts with {page[:15]!r}")
