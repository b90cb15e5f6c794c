#!/usr/bin/env python3
"""Rebuilds the two fallback fonts the app embeds, holding the glyphs of every non-ASCII
character that appears in its sources (the string table in src/app/i18n.rs, lesson text):

* DejaVuSans-subset.ttf: math symbols egui's fonts lack (ᵀ, ᵢ, ⁺, q̇'s combining dot).
  DejaVu Sans (Bitstream Vera licence + public domain), Debian's fonts-dejavu-core.
* DroidSansFallback-subset.ttf: the Chinese characters. Droid Sans Fallback (Apache License
  2.0, the Android Open Source Project), Debian's fonts-droid-fallback.

Needs fontTools (`pip install fonttools`).

    python3 assets/fonts/subset.py [path/to/DroidSansFallbackFull.ttf]
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                      "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
DEJAVU = pathlib.Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
OUT = ROOT / "assets" / "fonts" / "DroidSansFallback-subset.ttf"

chars = set()
for path in (ROOT / "src").rglob("*.rs"):
    chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
# Full-width punctuation is cheap and keeps new sentences from failing on a comma.
chars.update("，。：；？！、（）《》“”‘’…—")

def build(source, out, wanted_chars):
    font = TTFont(source)
    cmap = font.getBestCmap()
    wanted = sorted(ord(c) for c in wanted_chars if ord(c) in cmap)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    font.save(out)
    print(f"{len(wanted)} characters -> {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    return {chr(u) for u in wanted}


# Symbols first (math sub/superscripts, combining dot, arrows) from DejaVu Sans, then the
# CJK characters it lacks from Droid Sans Fallback. egui tries its own fonts before both.
symbols = build(DEJAVU, ROOT / "assets" / "fonts" / "DejaVuSans-subset.ttf",
                {c for c in chars if ord(c) < 0x2E80})
build(SOURCE, OUT, chars - symbols)
