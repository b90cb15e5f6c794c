#!/usr/bin/env python3
"""Where the bytes of the browser build go, from the linker's map (`WASM_MAP=1 wasm/build.sh`).

    python3 wasm/size.py [wasm/dist/armtutor.map [THE.wasm]] [--top N]

Code is counted per function and charged to a crate: a generic function to the first crate
named in its symbol that is not the standard library's (so `bevy_ecs` gets the systems and
queries it instantiates for every crate, and a `Vec<T>` method goes to T's crate). Sizes are
before wasm-opt (which takes about a fifth off). With the .wasm the map was written for (the
one cargo linked, under the web target folder), the largest read-only data blobs are shown
with their first bytes, to tell fonts, shaders and tables apart.
"""
import collections
import re
import sys

STD = {"core", "alloc", "std", "compiler_builtins", "dlmalloc", "hashbrown", "panic_abort"}
CRATE = re.compile(r"Cs[0-9A-Za-z]+_(\d+)")


def crates(symbol):
    """The crate names in a v0-mangled symbol, in order."""
    return [symbol[m.end() : m.end() + int(m.group(1))] for m in CRATE.finditer(symbol)]


def main(argv):
    top = 30
    if "--top" in argv:
        i = argv.index("--top")
        top = int(argv[i + 1])
        del argv[i : i + 2]
    path = argv[1] if len(argv) > 1 else "wasm/dist/armtutor.map"
    wasm = open(argv[2], "rb").read() if len(argv) > 2 else None
    code = collections.Counter()
    functions = collections.Counter()
    data = []
    sections = {}
    section = None
    for line in open(path):
        p = line.split()
        if len(p) == 4 and p[0] == "-" and p[3].isupper():
            section = p[3]
            sections[section] = int(p[2], 16)
            continue
        if len(p) != 4 or not p[3].startswith(("/", "<")):
            continue
        size, where = int(p[2], 16), p[3]
        m = re.search(r":\((.*)\)$", where)
        symbol = m.group(1) if m else where
        if section == "CODE":
            names = crates(symbol)
            ours = [c for c in names if c not in STD]
            key = ours[0] if ours else (names[0] if names else symbol[:40])
            code[key] += size
            functions[key] += 1
        elif section == "DATA":
            data.append((size, int(p[1], 16), symbol))
    total = sum(code.values())
    print(f"{path}: code {total / 1e6:.2f} MB in {sum(functions.values())} functions, "
          f"data {sections.get('DATA', 0) / 1e6:.2f} MB")
    print(f"code by crate (top {top}):")
    for key, size in code.most_common(top):
        print(f"  {size / 1e3:8.0f} KB {100 * size / total:5.1f} % {functions[key]:6d} fns  {key}")
    print("largest data blobs:")
    for size, offset, symbol in sorted(data, reverse=True)[:12]:
        preview = ""
        if wasm is not None:
            head = wasm[offset : offset + 48]
            preview = "".join(chr(b) if 32 <= b < 127 else "." for b in head)
        print(f"  {size / 1e3:8.0f} KB  {symbol[:60]:60s} {preview}")


if __name__ == "__main__":
    main(sys.argv)
