"""The kit's own helpers for notebooks: teaching aids, no part of the AWS model.

* :mod:`.errors`: an IPython extension that shows AWS errors with the notebook's own frames
  only (``kit.py`` loads it into every kernel of the kit's environment);
* :mod:`.contents`: the course's table of contents, read from the ``course`` and ``labs``
  folders, so no page has to type how many lectures and labs there are.

Nothing here is what code written for AWS would import, and nothing in the model imports
it. It imports neither plotly nor ipywidgets nor :mod:`secretkit.ui`, so loading it into
every kernel stays light; this package front imports nothing at all.
"""

__all__: list[str] = []
