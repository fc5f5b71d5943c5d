#!/usr/bin/env python3
"""Runs every `build/bin/duet ...` line of README.md's ```sh blocks, in order.

    readme_commands.py --source-dir SRC --bin-dir BIN [--models-dir DIR] [--torch ON|OFF]

CTest test `readme_commands` (docs/reliability.md, "Doc tests"). The lines
run with bash in a fresh temporary folder holding `examples` (a link to
SRC/examples), `build/bin` (a link to BIN) and the fixtures they name: x.npy
(f32[32,784], the input of examples/mlp.duet), image.npy (f32[1,3,224,224])
and resnet18.pt (linked from --models-dir, the models tests/import/
make_models.py makes). HOME and XDG_CONFIG_HOME point into the folder, so
`duet tune` writes its profile there and `~/.config/duet/profile.json` finds it.

A line whose comment says `long-running, CI adds ARGS` runs with ARGS
appended (`long-running` alone: not run). A line that needs a fixture that
is missing is skipped, and so is a line that reads what a skipped line
writes (its -o); the test then reports itself skipped (exit 77). Every line
runs even after one failed; each failure is reported with the line, its exit
code and its output, and fails the test. Without LibTorch (--torch OFF) the
lines cannot run as written (--mode auto): skipped.
"""
import argparse
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
LONG = re.compile(r"long-running(?:,\s*CI adds ([^)]*))?")


def write_npy(path, shape, seed):
    """A little-endian f32 .npy (format 1.0), uniform values in [-1, 1)."""
    rng = random.Random(seed)
    n = 1
    for d in shape:
        n *= d
    dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(f"<{n}f", *(rng.uniform(-1, 1) for _ in range(n))))


def split_comment(line):
    """(code, comment) at the first # that starts a shell comment."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def readme_lines(path):
    """(line number, code, comment) of each duet command in the sh blocks."""
    out, in_sh, pending = [], False, None
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.strip().startswith("```"):
                in_sh = not in_sh and line.strip() == "```sh"
                continue
            if not in_sh:
                continue
            if pending:  # a continued line
                pending = (pending[0], pending[1][:-1] + " " + line.strip())
            elif line.strip().startswith("build/bin/duet"):
                pending = (no, line.strip())
            else:
                continue
            if not pending[1].endswith("\\"):
                code, comment = split_comment(pending[1])
                out.append((pending[0], code, comment))
                pending = None
    return out


def outputs_of(code):
    words = code.split()
    return {words[i + 1].rstrip("/") for i, w in enumerate(words[:-1]) if w in ("-o", "--output")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--models-dir", default="")
    ap.add_argument("--torch", default="ON")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per line")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    readme = os.path.join(args.source_dir, "README.md")
    lines = readme_lines(readme)
    if not lines:
        print(f"readme_commands: no build/bin/duet lines in {readme}")
        return 1
    if args.torch.upper() in ("OFF", "0", "FALSE", "NO", ""):
        print(f"skipped: the {len(lines)} README command lines need duet built with LibTorch "
              "(they use --mode auto)")
        return SKIP

    tmp = tempfile.mkdtemp(prefix="duet-readme.")
    os.symlink(os.path.join(os.path.abspath(args.source_dir), "examples"),
               os.path.join(tmp, "examples"))
    os.makedirs(os.path.join(tmp, "build"))
    os.symlink(os.path.abspath(args.bin_dir), os.path.join(tmp, "build", "bin"))
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    for var in ("DUET_MODE", "DUET_PROFILE", "RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(var, None)

    write_npy(os.path.join(tmp, "x.npy"), (32, 784), 1)
    write_npy(os.path.join(tmp, "image.npy"), (1, 3, 224, 224), 2)
    missing = set()
    model = os.path.join(args.models_dir, "resnet18.pt") if args.models_dir else ""
    if model and os.path.exists(model):
        os.symlink(os.path.abspath(model), os.path.join(tmp, "resnet18.pt"))
    else:
        missing.add("resnet18.pt")
        print("note: no resnet18.pt (tests/import/make_models.py makes it into "
              "build/import_models when python3-torch and python3-torchvision are installed)")
    print(f"readme_commands: {len(lines)} lines of {readme}, run in {tmp}\n")

    failed, skipped, ran = [], [], 0
    for no, code, comment in lines:
        where = f"README.md:{no}"
        long = LONG.search(comment)
        if long and not long.group(1):
            print(f"SKIPPED {where}: {code}\n  (long-running; README gives no CI arguments)\n")
            continue
        if long:
            code = f"{code} {long.group(1).strip()}"
        needs = missing.intersection(re.split(r"[\s=]+", code))
        if needs:
            print(f"SKIPPED {where}: {code}\n  (needs {', '.join(sorted(needs))})\n")
            skipped.append(where)
            missing |= outputs_of(code)
            continue
        print(f"$ {code}", flush=True)
        start = time.monotonic()
        try:
            r = subprocess.run(["bash", "-c", code], cwd=tmp, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=args.timeout)
            rc, output = r.returncode, r.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            rc, output = "timeout", (e.stdout or b"").decode(errors="replace")
            output += f"\n(killed after {args.timeout:.0f} s)"
        seconds = time.monotonic() - start
        ran += 1
        print(output.rstrip())
        print(f"  -> exit {rc}, {seconds:.1f} s\n", flush=True)
        if rc != 0:
            failed.append((where, code, rc, output))

    for where, code, rc, output in failed:
        tail = "\n    ".join(output.rstrip().split("\n")[-40:])
        print(f"FAILED {where}: {code}\n  exit {rc}; output:\n    {tail}\n")
    print(f"readme_commands: {ran} lines ran, {len(failed)} failed, {len(skipped)} skipped")
    if args.keep or failed:
        print(f"readme_commands: kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if failed:
        return 1
    return SKIP if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
