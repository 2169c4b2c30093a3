"""html_report: one self-contained page; the reports' notebook views."""

import base64
import re
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from optional import require

from skmixup import StructurePreservingMixup
from skmixup.diagnostics import compare_structure, html_report, privacy_report

_DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


class _Page(HTMLParser):
    """Tags, attributes and text of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def tables():
    rng = np.random.RandomState(0)
    n = 400
    table = pd.DataFrame(
        {
            "height": rng.normal(170, 10, size=n),
            "<b>weight</b>": rng.normal(70, 12, size=n),  # a label to escape
            "group": rng.choice(["a & b", "c"], size=n),
        }
    )
    real, holdout = table.iloc[:250].reset_index(drop=True), table.iloc[250:].reset_index(drop=True)
    synthetic = StructurePreservingMixup(random_state=0).fit(real).sample(300)
    synthetic.iloc[:7] = real.iloc[:7].to_numpy()  # seven exact copies
    return real, synthetic, holdout


def _self_contained(page: str) -> None:
    parsed = _Page(page)
    without_images = _DATA_URI.sub("", page)
    assert "http" not in without_images and "//" not in without_images.replace("<!--", "")
    assert "script" not in parsed.tags and "link" not in parsed.tags and "iframe" not in parsed.tags
    for name, value in parsed.attributes:
        if name in ("src", "href"):
            assert value.startswith("data:image/png;base64,"), value


def test_page_is_complete_and_self_contained(tables):
    require("matplotlib")
    real, synthetic, holdout = tables
    page = html_report(real, synthetic, holdout=holdout, title="Heights & weights")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parsed = _Page(page)
    assert parsed.tags[:4] == ["html", "head", "meta", "title"]
    assert "<title>Heights &amp; weights</title>" in page
    _self_contained(page)
    images = _DATA_URI.findall(page)
    assert len(images) == 2 and parsed.tags.count("img") == 2
    for image in images:
        assert base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_shows_the_key_numbers(tables):
    require("matplotlib")
    real, synthetic, holdout = tables
    page = html_report(real, synthetic, holdout=holdout)
    text = " ".join(_Page(page).text)
    structure = compare_structure(real, synthetic)
    privacy = privacy_report(real, synthetic, holdout)
    for number in (
        structure.quality_score,
        structure.column_shapes_score,
        structure.column_pair_trends_score,
        structure.summary["max |variance ratio - 1|"],
        privacy.summary["median DCR"],
        privacy.closer_to_real_share,
        privacy.expected_closer_to_real_share,
    ):
        assert f"{number:.4f}" in text
    assert privacy.exact_copies == 7
    assert re.search(r"exact copies\s*7\b", text)
    assert "250 real rows, 300 synthetic rows, 150 holdout rows" in text
    assert "<b>weight</b>" in text and "&lt;b&gt;weight&lt;/b&gt;" in page  # escaped, not markup
    assert "<b>weight</b>" not in _DATA_URI.sub("", page)
    assert "a &amp; b" in page


def test_page_without_holdout_and_with_overrides(tables):
    require("matplotlib")
    real, synthetic, _ = tables
    page = html_report(real, synthetic, column_kinds={"group": "categorical"})
    text = " ".join(_Page(page).text)
    assert "Synthetic data report" in text and "holdout rows" not in text
    assert "share closer to real than holdout" not in text
    _self_contained(page)


def test_page_without_matplotlib_says_so(monkeypatch, tables):
    real, synthetic, holdout = tables
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.warns(UserWarning, match="no figures"):
        page = html_report(real, synthetic, holdout=holdout)
    assert "data:image/png" not in page
    assert "pip install skmixup[plot]" in page
    _self_contained(page)


def test_notebook_views_are_tables_without_script(tables):
    real, synthetic, holdout = tables
    for report in (compare_structure(real, synthetic), privacy_report(real, synthetic, holdout)):
        fragment = report._repr_html_()
        parsed = _Page(fragment)
        assert parsed.tags[0] == "div" and "table" in parsed.tags and "script" not in parsed.tags
        assert "http" not in fragment
    structure_fragment = compare_structure(real, synthetic)._repr_html_()
    assert "KSComplement" in structure_fragment and "TVComplement" in structure_fragment
