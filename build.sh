#!/usr/bin/env bash
# duet's one entry point for setting up, building, running and testing.
#
#   ./build.sh demo    install what is missing, build, run the demo: train an MLP on
#                      Fashion-MNIST (3 epochs), print where the training step runs,
#                      and draw the training-step graph as build/train_step.svg
#   ./build.sh test    install what is missing, build, run the whole test suite
#                      (with LibTorch; then without it under ASan + UBSan; then
#                      each libFuzzer target for DUET_FUZZ_SECONDS, default 60)
#   ./build.sh build   install what is missing and build
#
# Incremental: packages are installed only when missing, and CMake/Ninja
# rebuild only what changed. Environment: BUILD_DIR (default build),
# DUET_JOBS (default: number of cores), DUET_SKIP_APT=1 to never call apt-get.
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${DUET_JOBS:-$(nproc)}
PACKAGES=(
  g++ cmake ninja-build pkg-config
  libeigen3-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libopenblas0-openmp    # torch backend; OpenBLAS makes torch GEMM ~15x faster
  libgloo-dev                         # headers of c10d's Gloo process group (distributed training)
  graphviz                            # duet dump --format svg|png
  dataset-fashion-mnist zlib1g-dev    # examples/train_fashion_mnist (gzip IDX files)
  clang-14 libclang-rt-14-dev         # libFuzzer targets (.ci/fuzz.sh, part of ./build.sh test)
  python3-torch python3-torchvision   # tests/import: PyTorch makes the TorchScript test models
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing() {
  [[ ${DUET_SKIP_APT:-0} == 1 ]] && return 0
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing missing packages: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# LibTorch runs its own threads with OpenMP; OpenBLAS's pthread build keeps a
# second pool, and with both above one thread each spins while the other
# works (torch steps 4-5x slower on 2 threads, docs/benchmarks.md). The
# OpenMP build shares torch's pool: make it the system BLAS, LAPACK and
# libopenblas (torch links all three) when the pthread one would win the
# alternatives (it has the higher priority).
select_openmp_blas() {
  [[ ${DUET_SKIP_APT:-0} == 1 ]] && return 0
  local arch dir sudo=()
  arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
  dir=/usr/lib/$arch/openblas-openmp
  [[ -e $dir/libblas.so.3 ]] || return 0
  [[ $(readlink -f "/usr/lib/$arch/libopenblas.so.0") == $(readlink -f "$dir/libopenblas.so.0") ]] &&
    return 0
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { log "note: not root: torch keeps $(readlink -f "/usr/lib/$arch/libopenblas.so.0")"; return 0; }
    sudo=(sudo)
  fi
  log "selecting OpenBLAS (OpenMP) as the system BLAS, LAPACK and libopenblas"
  "${sudo[@]}" update-alternatives --set "libblas.so.3-$arch" "$dir/libblas.so.3" >/dev/null
  "${sudo[@]}" update-alternatives --set "liblapack.so.3-$arch" "$dir/liblapack.so.3" >/dev/null
  "${sudo[@]}" update-alternatives --set "libopenblas.so.0-$arch" "$dir/libopenblas.so.0" >/dev/null
}

configure_and_build() { # dir, extra cmake args...
  local dir=$1; shift
  if [[ ! -f $dir/build.ninja ]]; then
    log "configuring $dir $*"
    cmake -S . -B "$dir" -G Ninja "$@"
  fi
  log "building $dir"
  cmake --build "$dir" -j "$JOBS"
}

run_tests() { # dir, extra ctest args...
  local dir=$1; shift
  log "testing $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@"
}

cmd=${1:-}
case $cmd in
  demo)
    install_missing
    select_openmp_blas
    configure_and_build "$BUILD_DIR"
    log "running the demo: examples/train_fashion_mnist.cpp"
    "$BUILD_DIR/bin/train_fashion_mnist" --epochs "${DUET_DEMO_EPOCHS:-3}" \
      --save-graph "$BUILD_DIR/train_step.duet"
    "$BUILD_DIR/bin/duet" dump "$BUILD_DIR/train_step.duet" --format svg -o "$BUILD_DIR/train_step.svg"
    log "the training-step graph, partitioned: $BUILD_DIR/train_step.svg"
    ;;
  test)
    install_missing
    select_openmp_blas
    configure_and_build "$BUILD_DIR"
    run_tests "$BUILD_DIR"
    # The configuration without LibTorch must keep building and passing, and
    # it is the one we run under AddressSanitizer + UBSan (LibTorch itself is
    # not instrumented; see docs/reliability.md), leak checks on.
    configure_and_build "$BUILD_DIR-asan" -DDUET_WITH_TORCH=OFF -DDUET_BUILD_BENCH=OFF \
      -DDUET_SANITIZE=ON -DDUET_NATIVE=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} run_tests "$BUILD_DIR-asan"
    # The file readers under libFuzzer for a bounded time each (0 skips).
    if [[ ${DUET_FUZZ_SECONDS:-60} != 0 ]]; then
      FUZZ_SECONDS=${DUET_FUZZ_SECONDS:-60} BUILD_DIR=$BUILD_DIR-fuzz DUET_JOBS=$JOBS .ci/fuzz.sh
    fi
    ;;
  build)
    install_missing
    select_openmp_blas
    configure_and_build "$BUILD_DIR"
    ;;
  *)
    echo "usage: ./build.sh demo|test|build" >&2
    exit 2
    ;;
esac
