"""QR codes drawn with text: two modules per character, so a phone can scan them on screen.

Light modules are drawn with block characters and dark ones left blank, which shows dark
modules on the usual dark terminal background (``invert=True`` for light backgrounds). Every
line has the same width, the quiet zone included, so the code survives copy and paste too.
"""

from __future__ import annotations

import segno

__all__ = ["BORDER", "qr_lines", "qr_matrix"]

#: Light modules around the code (the standard asks for 4; 2 scans fine on screens).
BORDER = 2

# (top light, bottom light) -> character
_HALF_BLOCKS = {
    (True, True): "\u2588",  # full block
    (True, False): "\u2580",  # upper half block
    (False, True): "\u2584",  # lower half block
    (False, False): " ",
}


def qr_matrix(text: str) -> list[list[bool]]:
    """The code's modules (True = dark), without the quiet zone."""
    code = segno.make(text, micro=False, error="l")
    return [[bool(module) for module in row] for row in code.matrix]


def qr_lines(text: str, *, invert: bool = False) -> list[str]:
    """``text`` as a QR code: lines of block characters, quiet zone included."""
    matrix = qr_matrix(text)
    size = len(matrix) + 2 * BORDER
    # light[y][x]: True where a light module is (the quiet zone is light)
    light = [[True] * size for _ in range(size)]
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            light[y + BORDER][x + BORDER] = not dark
    if invert:
        light = [[not value for value in row] for row in light]
    if size % 2:
        light.append([not invert] * size)
    lines = []
    for y in range(0, len(light), 2):
        top, bottom = light[y], light[y + 1]
        lines.append("".join(_HALF_BLOCKS[(top[x], bottom[x])] for x in range(size)))
    return lines
