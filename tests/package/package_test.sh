#!/usr/bin/env bash
# The installed package works for a project of its own (CTest test `package`):
#
#   package_test.sh BUILD_DIR SOURCE_DIR CXX [FILES_DIR...]
#
# installs BUILD_DIR into a temporary prefix (`cmake --install`), configures
# tests/package against it in Debug with find_package(duet), checks that no
# compile line of that project carries duet's own warning, optimization or
# sanitizer flags (duet::duet must export only what a consumer needs), builds
# it, and runs its tests: the ```cpp blocks of README.md and docs/*.md (see
# "Doc tests" in docs/reliability.md). FILES_DIR are searched for the files a
# block reads (besides SOURCE_DIR). DUET_JOBS: parallel jobs (default 2).
# Keeps the temporary folder on failure (or with DUET_PACKAGE_KEEP=1) and says where.
set -euo pipefail
if (($# < 3)); then
  echo "usage: $0 BUILD_DIR SOURCE_DIR CXX [FILES_DIR...]" >&2
  exit 2
fi
build=$(realpath "$1") src=$(realpath "$2") cxx=$3
shift 3
files_path=$src
for d in "$@"; do files_path+=";$(realpath "$d")"; done
jobs=${DUET_JOBS:-2}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/duet-package.XXXXXX")
ok=0
trap '((ok)) && [[ ${DUET_PACKAGE_KEEP:-0} != 1 ]] && rm -rf "$tmp" || echo "package: kept $tmp" >&2' EXIT
step() { printf '==> %s\n' "$*"; }

step "cmake --install $build --prefix $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; exit 1; }

step "configuring the consumer project (Debug) against $tmp/prefix"
# Only the prefix: no package registry, so the build tree cannot be found instead.
cmake -S "$src/tests/package" -B "$tmp/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DDUET_SOURCE_DIR="$src" \
  -DDUET_DOCTEST_FILES_PATH="$files_path"
grep -qx "duet_DIR:PATH=$tmp/prefix/.*" "$tmp/consumer/CMakeCache.txt" ||
  { echo "package: duet was not found in $tmp/prefix" >&2; exit 1; }

step "checking the consumer's compile lines for duet's own flags"
python3 - "$tmp/consumer/compile_commands.json" <<'EOF'
import json, shlex, sys
# Flags duet builds itself with (cmake/DuetOptions.cmake) that must not leak
# into a consumer: they are duet's choices, not its interface.
banned = ("-Wall", "-Wextra", "-march=native", "-O3", "-fsanitize=", "-fno-omit-frame-pointer")
entries = json.load(open(sys.argv[1]))
if not entries:
    sys.exit("package: compile_commands.json is empty")
bad = 0
for e in entries:
    args = e.get("arguments") or shlex.split(e["command"])
    leaked = [a for a in args if any(a == b or (b.endswith("=") and a.startswith(b)) for b in banned)]
    if leaked:
        bad += 1
        print(f"package: {e['file']} is compiled with duet's {' '.join(leaked)}:\n  {' '.join(args)}")
    if "-g" not in args:
        bad += 1
        print(f"package: {e['file']} is not compiled in Debug (-g):\n  {' '.join(args)}")
if bad:
    sys.exit(1)
print(f"  {len(entries)} compile lines, none with {' '.join(banned)}")
EOF

step "building the consumer project"
cmake --build "$tmp/consumer" -j "$jobs"

step "running the consumer's tests (the docs' cpp blocks)"
ctest --test-dir "$tmp/consumer" --output-on-failure --no-tests=error -j "$jobs"
ok=1
