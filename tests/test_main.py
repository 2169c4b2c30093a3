"""The demo of the command line: ``skmixup demo`` and ``python -m skmixup demo``."""

import io
import subprocess
import sys

import pytest

import skmixup.__main__
from skmixup.cli import demo, load_demo_table, main


def test_demo_table_is_bundled_and_mixed():
    table = load_demo_table()
    assert table.shape == (442, 11)
    assert table["sex"].dtype == "category"


def test_demo_shows_structure_kept_and_shrunk():
    out = io.StringIO()
    result = demo(rounds=3, n_samples=20_000, out=out)
    ratios = result["variance ratio"]
    # Medians over columns of 20,000-row samples: EpBeta within noise of 1,
    # Uniform at (2/3)^3 = 0.30 and Beta(0.1, 0.1) at 0.917^3 = 0.77 or below: on the
    # table's value grid about half its rows land back on a real row and are drawn again,
    # away from the ends of [0, 1], which shrinks more.
    assert ratios[("EpBeta(δ=0.05)", 3)] == pytest.approx(1.0, abs=0.1)
    assert ratios[("Uniform(0, 1)", 3)] == pytest.approx((2 / 3) ** 3, abs=0.05)
    assert ratios[("Beta(0.1, 0.1)", 3)] < (11 / 12) ** 3 + 0.07
    assert ratios[("Beta(0.1, 0.1)", 3)] > (2 / 3) ** 3 + 0.1
    printed = out.getvalue()
    assert "EpBeta" in printed and "Uniform" in printed and "variance ratio" in printed


def test_command_line_runs_and_validates_arguments(capsys):
    assert main(["demo", "--rounds", "1", "--n-samples", "500"]) == 0
    assert "variance ratio" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["demo", "--rounds", "0"])


def test_main_module_keeps_its_names():
    # ``from skmixup.__main__ import load_demo_table`` worked before the cli package.
    assert skmixup.__main__.load_demo_table is load_demo_table
    assert skmixup.__main__.main is main


def test_module_entry_point():
    completed = subprocess.run(
        [sys.executable, "-m", "skmixup", "demo", "--rounds", "1", "--n-samples", "500"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Diabetes table" in completed.stdout
