"""Sphinx configuration of the skmixup documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import os
import warnings
from datetime import date

import skmixup

# -- Project -----------------------------------------------------------------

project = "skmixup"
author = "The skmixup developers"
copyright = f"{date.today().year}, {author}"
version = skmixup.__version__
release = skmixup.__version__

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples", "results/*.md", "**.ipynb_checkpoints", "sg_execution_times.rst"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# No network where the docs are built: no intersphinx, and nothing fetched at build time.
intersphinx_mapping: dict = {}

# -- autodoc / autosummary / numpydoc -------------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
autodoc_member_order = "groupwise"

numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- Math --------------------------------------------------------------------------

# MathJax is only a <script> tag: the pages render math wherever the reader's browser
# can load it.  `-D mathjax_path=...` points a local build at a local copy.


# -- Gallery -----------------------------------------------------------------------

os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", message="Matplotlib is currently using agg", category=UserWarning)

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "doc_module": ("skmixup",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "min_reported_time": 1,
    "write_computation_times": False,
}

# -- HTML ------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skmixup {version}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "getting_started": [], "benchmarks": [], "theory": []}
html_context = {"default_mode": "light"}

# -- Hooks --------------------------------------------------------------------------

# scikit-learn's metadata-routing boilerplate (``get_metadata_routing``,
# ``set_*_request``) is inherited by every estimator here; it documents nothing of
# skmixup and refers to labels of scikit-learn's own documentation.
_SKIPPED_MEMBERS = ("get_metadata_routing",)


def _skip_member(app, what, name, obj, skip, options):
    if name in _SKIPPED_MEMBERS or (name.startswith("set_") and name.endswith("_request")):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
