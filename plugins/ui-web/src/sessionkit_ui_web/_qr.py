"""QR codes as inline SVG data (made by segno), for the page to draw without any markup."""

from __future__ import annotations

import re

import segno

__all__ = ["qr_svg"]

_VIEWBOX = re.compile(r'viewBox="([0-9 .]+)"')
_PATH = re.compile(r'\sd="([0-9A-Za-z .-]+)"')


def qr_svg(text: str) -> dict[str, str]:
    """``{"viewBox", "path"}`` of the QR code of ``text``: a stroke path of 1-unit lines.

    Only numbers and path commands leave this function, so the page builds the ``<svg>`` with
    DOM calls and never parses markup.
    """
    svg = segno.make(text, error="m").svg_inline(scale=1, border=2, omitsize=True)
    viewbox = _VIEWBOX.search(svg)
    path = _PATH.search(svg)
    if viewbox is None or path is None:  # pragma: no cover - segno's output format changed
        raise RuntimeError("segno produced an SVG without a viewBox or a path")
    return {"viewBox": viewbox.group(1), "path": path.group(1)}
