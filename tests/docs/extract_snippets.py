#!/usr/bin/env python3
"""Pulls the ```cpp blocks out of Markdown files, one .cpp program each.

    extract_snippets.py --root SRC --out DIR FILE.md...

Every ```cpp block of the given files (paths relative to SRC) is a complete
program; it is written to DIR/<stem>_<n>.cpp (n counts the file's cpp blocks
from 1; README.md's stem is "readme"), starting with a #line directive so
that compiler errors name the .md file and line. DIR/snippets.cmake lists
them for tests/package/CMakeLists.txt:

    set(DUET_SNIPPETS readme_1 ...)
    set(DUET_SNIPPET_readme_1_DOC  "README.md:42")   # where the block starts
    set(DUET_SNIPPET_readme_1_TORCH OFF)             # needs-torch
    set(DUET_SNIPPET_readme_1_FILES "")              # files=a,b
    set(DUET_SNIPPET_readme_1_ENV "")                # env=K=V,K=V

A block may be preceded (as its last non-blank line before the fence) by one
HTML comment, invisible on GitHub, that tells the test how to run it:

    <!-- doctest: needs-torch files=resnet18.pt env=WORLD_SIZE=1,RANK=0 -->

  needs-torch   run only when duet was built with LibTorch (always compiled)
  files=A,B     files the program reads, by the path it uses; linked into its
                working directory from duet's source tree or the test models
                (build/import_models); the test is skipped when one is missing
  env=K=V,...   environment variables of the run

Any other word in a doctest comment is an error (so a typo cannot silently
turn a check off). Files are rewritten only when their content changes, and
.cpp files of blocks that no longer exist are removed.
"""
import argparse
import os
import re
import sys

FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*doctest:(.*?)-->\s*$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class DocError(Exception):
    pass


def parse_marker(text, where):
    opts = {"torch": False, "files": [], "env": []}
    for word in text.split():
        key, _, value = word.partition("=")
        if word == "needs-torch":
            opts["torch"] = True
        elif key == "files" and value:
            opts["files"] += [f for f in value.split(",") if f]
        elif key == "env" and value:
            for kv in value.split(","):
                name, eq, _ = kv.partition("=")
                if not eq or not NAME.match(name):
                    raise DocError(f"{where}: doctest env wants NAME=VALUE, got '{kv}'")
                opts["env"].append(kv)
        else:
            raise DocError(f"{where}: unknown doctest marker '{word}' "
                           "(known: needs-torch, files=A,B, env=K=V,K=V)")
    return opts


def blocks(path, rel):
    """Yields (first code line number, code, marker options) per cpp block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(2):
            if m:  # an unlabelled block: skip to its closing fence
                i += 1
                while i < len(lines) and not FENCE.match(lines[i]):
                    i += 1
            i += 1
            continue
        lang, start = m.group(2), i
        i += 1
        body = []
        while i < len(lines) and not FENCE.match(lines[i]):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise DocError(f"{rel}:{start + 1}: ```{lang} block is not closed")
        i += 1
        if lang not in ("cpp", "c++"):
            continue
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        marker = MARKER.match(lines[prev]) if prev >= 0 else None
        where = f"{rel}:{prev + 1}"
        opts = parse_marker(marker.group(1), where) if marker else parse_marker("", where)
        yield start + 2, "\n".join(body) + "\n", opts


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def cmake_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("docs", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names, cmake = [], []
    for rel in args.docs:
        path = os.path.join(args.root, rel)
        stem = os.path.splitext(os.path.basename(rel))[0].lower().replace("-", "_")
        for n, (line, code, opts) in enumerate(blocks(path, rel), 1):
            name = f"{stem}_{n}"
            names.append(name)
            src = f'#line {line} "{os.path.abspath(path)}"\n' + code
            write_if_changed(os.path.join(args.out, name + ".cpp"), src)
            cmake += [
                f"set(DUET_SNIPPET_{name}_DOC {cmake_str(f'{rel}:{line - 1}')})",
                f"set(DUET_SNIPPET_{name}_TORCH {'ON' if opts['torch'] else 'OFF'})",
                f"set(DUET_SNIPPET_{name}_FILES {cmake_str(';'.join(opts['files']))})",
                f"set(DUET_SNIPPET_{name}_ENV {cmake_str(';'.join(opts['env']))})",
            ]
    for f in os.listdir(args.out):
        if f.endswith(".cpp") and f[:-4] not in names:
            os.remove(os.path.join(args.out, f))
    text = "# Written by tests/docs/extract_snippets.py; do not edit.\n"
    text += f"set(DUET_SNIPPETS {' '.join(names)})\n" + "\n".join(cmake) + "\n"
    write_if_changed(os.path.join(args.out, "snippets.cmake"), text)
    print(f"extract_snippets: {len(names)} cpp blocks from {len(args.docs)} files")


if __name__ == "__main__":
    try:
        main()
    except (DocError, OSError) as e:
        print(f"extract_snippets: error: {e}", file=sys.stderr)
        sys.exit(1)
