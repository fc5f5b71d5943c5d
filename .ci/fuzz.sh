#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang + ASan + UBSan and runs each
# for a bounded time. Fails on any crash, hang, leak or sanitizer report; the
# input that triggered it is left in $BUILD_DIR/fuzz-artifacts/.
#
#   .ci/fuzz.sh                      all targets, 60 s each
#   FUZZ_SECONDS=10 .ci/fuzz.sh npy  one target, 10 s
#
# Environment: BUILD_DIR (default build-fuzz), FUZZ_SECONDS (per target,
# default 60), FUZZ_TIMEOUT (seconds one input may take, default 10),
# FUZZ_RSS_MB (memory limit, default 2048), CXX_FUZZ (default clang++-14),
# DUET_JOBS (build parallelism, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
CXX_FUZZ=${CXX_FUZZ:-clang++-14}
JOBS=${DUET_JOBS:-$(nproc)}
ALL_TARGETS=(parser npy cost_profile checkpoint)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

command -v "$CXX_FUZZ" >/dev/null || {
  echo "error: $CXX_FUZZ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
}
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  log "configuring $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CXX_FUZZ" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUET_BUILD_FUZZERS=ON -DDUET_WITH_TORCH=OFF \
    -DDUET_BUILD_TESTS=OFF -DDUET_BUILD_BENCH=OFF >/dev/null
fi
log "building fuzzers in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j "$JOBS" --target duet_fuzzers

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
work=$BUILD_DIR/fuzz-work
artifacts=$BUILD_DIR/fuzz-artifacts
mkdir -p "$artifacts"
status=0
summary=()
for t in "${TARGETS[@]}"; do
  bin=$BUILD_DIR/bin/fuzz_$t
  [[ -x $bin ]] || { echo "error: no fuzz target '$t' (have: ${ALL_TARGETS[*]})" >&2; exit 2; }
  mkdir -p "$work/$t"
  dict=()
  [[ -f fuzz/$t.dict ]] && dict=(-dict="fuzz/$t.dict")
  logf=$BUILD_DIR/fuzz-$t.log
  log "fuzzing $t for ${SECONDS_PER_TARGET}s (log: $logf)"
  # New inputs go to the first (scratch) corpus; the seeds in the repo are
  # only read, so replaying them doubles as the regression check.
  rc=0
  "$bin" "$work/$t" "fuzz/corpus/$t" "${dict[@]}" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" >"$logf" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -1)
  if ((rc == 0)); then
    summary+=("$(printf '%-14s ok      %10s executions, corpus %s files' "$t" "${runs:-?}" \
      "$(ls "$work/$t" | wc -l)")")
  else
    status=1
    summary+=("$(printf '%-14s FAILED  exit %s after %s executions; see %s' "$t" "$rc" \
      "${runs:-?}" "$logf")")
    grep -E 'ERROR: |SUMMARY: |runtime error|deadly signal|Test unit written' "$logf" | head -20 >&2 || true
  fi
done
log "fuzz summary (${SECONDS_PER_TARGET}s per target)"
printf '  %s\n' "${summary[@]}"
exit $status
