#!/usr/bin/env python3
"""Rebuilds the fonts the app embeds (egui's own 1.4 MB of fonts are left out of the build, so
these are all the text has, on the desktop and in the browser alike):

* DejaVuSans-subset.ttf: the proportional font. Latin, Greek, punctuation, arrows, math
  operators, box drawing and geometric shapes, plus every other non-CJK character that appears
  in the sources. DejaVu Sans (Bitstream Vera licence + public domain), fonts-dejavu-core.
* DejaVuSansMono-subset.ttf: the monospace font (matrices, numbers), the same ranges less the
  symbols (those fall back to DejaVu Sans).
* EguiIcons-subset.ttf: the transport icons (⏵ ⏸ ⏭ 🖵 ...) DejaVu lacks, from egui's
  emoji-icon-font (MIT licence), which the epaint_default_fonts crate ships.
* DroidSansFallback-subset.ttf: the Chinese characters. Droid Sans Fallback (Apache License
  2.0, the Android Open Source Project), fonts-droid-fallback.

Needs fontTools (`pip install fonttools`) and the Debian font packages named above.

    python3 assets/fonts/subset.py
"""
import glob
import pathlib

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = pathlib.Path(__file__).resolve().parents[2]
FONTS = ROOT / "assets" / "fonts"
DROID = pathlib.Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
DEJAVU = pathlib.Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_MONO = pathlib.Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
ICONS = sorted(glob.glob(str(pathlib.Path.home() / ".cargo/registry/src/*/"
                             "epaint_default_fonts-*/fonts/emoji-icon-font.ttf")))

source_chars = set()
for path in (ROOT / "src").rglob("*.rs"):
    source_chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
# Full-width punctuation is cheap and keeps new sentences from failing on a comma.
source_chars.update("，。：；？！、（）《》“”‘’…—")

def span(lo, hi):
    return {chr(u) for u in range(lo, hi + 1)}

# What names in a user's URDF or file names may hold, and what egui itself draws: its
# replacement glyph ◻ and the triangles ⏴⏵⏶⏷ of some widgets.
TEXT = (span(0x20, 0x7E) | span(0xA0, 0x17F) | span(0x370, 0x3FF) | span(0x2000, 0x206F)
        | span(0x2070, 0x209F))
SYMBOLS = span(0x2190, 0x21FF) | span(0x2200, 0x22FF) | span(0x2500, 0x257F) | span(0x25A0, 0x25FF)
ICON_CHARS = set("⏴⏵⏶⏷⏸⏹⏭⏮⟲⟳🖵")


def build(source, out, wanted_chars):
    font = TTFont(source)
    cmap = font.getBestCmap()
    wanted = sorted(ord(c) for c in wanted_chars if ord(c) in cmap)
    options = subset.Options()
    # egui lays text out glyph by glyph with kerning; no other OpenType features are used.
    options.layout_features = ["kern"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    font.save(out)
    print(f"{len(wanted)} characters -> {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    return {chr(u) for u in wanted}


if not ICONS:
    raise SystemExit("subset.py: egui's emoji-icon-font.ttf not found in ~/.cargo/registry "
                     "(build once with bevy_egui's default_fonts, or fetch epaint_default_fonts)")
non_cjk = {c for c in source_chars if ord(c) < 0x2E80 or ord(c) > 0xFFFF}
sans = build(DEJAVU, FONTS / "DejaVuSans-subset.ttf", TEXT | SYMBOLS | non_cjk)
build(DEJAVU_MONO, FONTS / "DejaVuSansMono-subset.ttf", TEXT | non_cjk)
icons = build(ICONS[-1], FONTS / "EguiIcons-subset.ttf", (ICON_CHARS | non_cjk) - sans)
build(DROID, FONTS / "DroidSansFallback-subset.ttf", source_chars - sans - icons)
