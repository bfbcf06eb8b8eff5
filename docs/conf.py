"""Sphinx configuration for statlearn's documentation."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import statlearn  # noqa: E402

project = "statlearn"
author = "statlearn developers"
copyright = "2026, statlearn developers"
version = release = statlearn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 from the sphinx-mathjax-offline package (dev extra), copied into _static/mathjax:
    # maths renders with no network. Chosen over sphinx.ext.imgmath, which needs a LaTeX install.
    "sphinx-mathjax-offline",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
exclude_patterns = ["_build", "examples", "_bench", "**.ipynb_checkpoints", "auto_examples/**/*.ipynb",
                    "auto_examples/**/*.py", "auto_examples/**/*.zip"]
templates_path = ["_templates"]  # autosummary pages titled by the short name (no cut-off titles)
toc_object_entries_show_parents = "hide"  # "fit", not "ConformalQuantileRegressor.fit", in page tocs

intersphinx_mapping = {}  # no network at build time

html_theme = "pydata_sphinx_theme"
html_title = "statlearn"
mathjax_path = "mathjax/tex-chtml.js"  # local copy (see the extension above), never a CDN
html_static_path = ["_static"]
html_css_files = ["statlearn.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "navigation_depth": 2,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
}

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "plot_gallery": "True",
}

suppress_warnings = ["config.cache"]
