"""
Over-sampling a mixed-type table
================================

An imbalanced customer table with integer, float, datetime, category, string and
boolean columns and missing values, over-sampled with
:meth:`~skmixup.StructurePreservingMixup.fit_resample`.  We check that every
column comes back in its own dtype, and compare the new minority rows with the
real minority rows using :func:`~skmixup.diagnostics.compare_structure`.
"""

# %%
# A table of mixed types
# ----------------------
# 2,000 customers, 8 % of whom churned (``y = 1``).  Churners are younger, pay
# more, signed up more recently and prefer the monthly plan.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skmixup import StructurePreservingMixup
from skmixup.diagnostics import compare_structure

rng = np.random.RandomState(0)
n = 2000
y = (rng.rand(n) < 0.08).astype(int)
age = np.clip(rng.normal(48 - 10 * y, 12), 18, 90).round().astype(int)
monthly = np.exp(rng.normal(3.4 + 0.3 * y, 0.35)) + 0.4 * (age - 45)
signup = pd.Timestamp("2024-06-30") - pd.to_timedelta(rng.gamma(2.0, 300 - 150 * y), unit="D")
plan = np.where(rng.rand(n) < 0.35 + 0.4 * y, "monthly", np.where(rng.rand(n) < 0.5, "yearly", "two-year"))
X = pd.DataFrame(
    {
        "age": pd.array(age, dtype="Int64"),
        "monthly_charge": monthly,
        "signup": signup.floor("s"),
        "region": pd.Categorical(rng.choice(["north", "south", "east", "west"], size=n)),
        "plan": pd.Series(plan, dtype="string"),
        "paperless": rng.rand(n) < 0.6,
    }
)
# Some values are missing: 5 % of ages and 10 % of regions.
X.loc[rng.rand(n) < 0.05, "age"] = pd.NA
X.loc[rng.rand(n) < 0.10, "region"] = np.nan
print(X.head())
print(X.dtypes)
print("class counts:", np.bincount(y))

# %%
# Over-sample the churners
# ------------------------
# The column kinds are detected from the dtypes; ``column_kinds_`` says what
# was decided.  Pairs are drawn within the minority class, so each new row is a
# churner.
mixup = StructurePreservingMixup(random_state=0)
X_res, y_res = mixup.fit_resample(X, y)
print(mixup.column_kinds_)
print("class counts after:", np.bincount(y_res))
print("same dtypes:", X_res.dtypes.equals(X.dtypes))

# %%
# The new rows are the ones after the original 2,000:
new_rows = X_res.iloc[n:]
new_rows.head()

# %%
# Do the new churners look like the real churners?
# -------------------------------------------------
# ``compare_structure`` types the columns the same way and compares means,
# variances, correlations, category shares (missing included) and the means of
# the continuous columns within each category.
real_churners = X[y == 1].reset_index(drop=True)
report = compare_structure(real_churners, new_rows.reset_index(drop=True))
print(report)

# %%
# 160 real churners are a small sample, so expect sampling noise of a few
# hundredths in every line.  The largest covariance-ratio deviation belongs to
# a nearly uncorrelated pair, whose covariance is close to 0: its correlation
# error is tiny.  The conditional means are computed in small groups (a region
# or plan among 160 churners), hence their larger deviations.
report.pairs[["covariance_real", "covariance_ratio", "correlation_real", "correlation_error"]].round(3)

# %%
# Per continuous column (datetimes are compared as offsets in nanoseconds):
report.columns[
    [
        "mean_real",
        "mean_synthetic",
        "standardized_mean_bias",
        "variance_ratio",
        "missing_rate_real",
        "missing_rate_synthetic",
    ]
].round(3)

# %%
# Category shares, with missing as its own row:
report.categories.round(3)

# %%
# A picture of two continuous columns and one category
# ----------------------------------------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for frame, label, colour in ((new_rows, "new rows", "tab:blue"), (real_churners, "real churners", "black")):
    axes[0].scatter(
        frame["age"].astype(float), frame["monthly_charge"], s=6, alpha=0.6, color=colour, label=label
    )
axes[0].set_xlabel("age")
axes[0].set_ylabel("monthly charge")
axes[0].legend()
shares = pd.DataFrame(
    {
        "real churners": real_churners["plan"].value_counts(normalize=True),
        "new rows": new_rows["plan"].value_counts(normalize=True),
    }
)
shares.plot.bar(ax=axes[1], color=["black", "tab:blue"], rot=0)
axes[1].set_ylabel("share")
axes[1].set_title("plan")
fig.tight_layout()
plt.show()

# %%
# The new rows are fresh points in the churners' own cloud: integer ages,
# charges on the same scale, plans in the same shares.  Only values observed in
# the churner class are used, so no category is ever invented.
