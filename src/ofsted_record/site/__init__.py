"""The published explainer site (Quarto website in ``site/``).

Quarto renders the hand-written pages (``site/*.qmd``, which run Python through a Jupyter
kernel); everything else is built here without a kernel: one static page per council, the
council listing, the Vega library, favicon, downloads and the embed gallery's files. See
``docs/site.md``.
"""

from __future__ import annotations

from typing import Any


def build_site(*args: Any, **kwargs: Any):
    """See :func:`ofsted_record.site.build.build_site` (imported lazily: pages import parts)."""
    from ofsted_record.site.build import build_site as impl

    return impl(*args, **kwargs)


def render(*args: Any, **kwargs: Any):
    """See :func:`ofsted_record.site.build.render`."""
    from ofsted_record.site.build import render as impl

    return impl(*args, **kwargs)


__all__ = ["build_site", "render"]
