#!/usr/bin/env python3
"""Reproduce wqy-microhei.ttf from the Debian package fonts-wqy-microhei.

Takes face 0 of the TrueType collection, keeps only the tables the PDF
renderer needs (cmap, glyf, loca, head, hhea, hmtx, maxp, name, post, OS/2,
and the hinting programs cvt/fpgm/prep that glyph instructions call), drops
bitmap, layout and vertical tables, and writes post as format 3 (no glyph
names). The output is byte-for-byte reproducible.

Usage: /usr/bin/python3 extract.py [SRC.ttc] [OUT.ttf]
Needs python3-fonttools.
"""
import sys

from fontTools.ttLib import TTFont

KEEP = {"cmap", "glyf", "loca", "head", "hhea", "hmtx", "maxp", "name", "post", "OS/2",
        # hinting programs: glyph instructions call into fpgm, keep them working
        "cvt ", "fpgm", "prep"}


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    out = sys.argv[2] if len(sys.argv) > 2 else "wqy-microhei.ttf"
    font = TTFont(src, fontNumber=0, lazy=False, recalcTimestamp=False)
    for tag in list(font.keys()):
        if tag != "GlyphOrder" and tag not in KEEP:
            del font[tag]
    font["post"].formatType = 3.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.save(out)


if __name__ == "__main__":
    main()
