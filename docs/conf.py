"""Sphinx configuration for the magcalc docs (``make docs``).

The build is offline: no intersphinx, no theme or script fetched from the web, and the
notebooks are executed locally (a cell error fails the build).
"""

from __future__ import annotations

import sys
from pathlib import Path

import magcalc

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "magcalc"
author = "magcalc developers"
copyright = "magcalc developers"
release = magcalc.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "magcalc_docs",
]

exclude_patterns = ["_build", "_templates", "**/.ipynb_checkpoints"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# --- API reference
autosummary_generate = True
autodoc_default_options = {"members": True, "member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "none"  # numpydoc's Parameters carry the types, with units
autodoc_class_signature = "separated"
autodoc_inherit_docstrings = False  # pydantic's own methods would otherwise bring theirs
numpydoc_show_class_members = False  # autodoc's :members: lists them once
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- notebooks (myst-nb): executed on every build, a cell error fails it
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_execution_show_tb = True
nb_merge_streams = True
# Prefer HTML and images over LaTeX so no page needs MathJax (fetched from the web).
nb_mime_priority_overrides = [("html", "text/latex", None)]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- HTML
html_theme = "furo"
html_title = f"magcalc {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_last_updated_fmt = None
