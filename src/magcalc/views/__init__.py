"""How results are shown: HTML for notebooks, aligned text, and plots.

- :mod:`magcalc.views.html`: the ``_repr_html_`` of every model (escaped text, inline
  styles that survive notebook sanitising).
- :mod:`magcalc.views.text`: the assessment as aligned plain text.
- :mod:`magcalc.views.plotting`: matplotlib plots (``pip install 'magcalc[plot]'``):
  :func:`~magcalc.views.plotting.plot_sources`, :func:`~magcalc.views.plotting.plot_days`
  and :func:`~magcalc.views.plotting.plot_forms`.

Every view words a figure with the same formatters (:mod:`magcalc._util`), so the text,
the HTML and the command line agree. Importing this package loads neither pandas nor
matplotlib.
"""

from __future__ import annotations

__all__: list[str] = []
