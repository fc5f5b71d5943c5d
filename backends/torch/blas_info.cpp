//===- backends/torch/blas_info.cpp - which BLAS torch calls -------------===//
//
// Debian's LibTorch calls the system's libblas.so.3 (an alternatives link:
// the reference BLAS, OpenBLAS, BLIS...). GEMM speed differs 20x between
// them, so users need to see which one they got. libblas.so.3 is a load-time
// dependency of libtorch_cpu, so it is mapped before any torch call; we ask
// the dynamic linker which library provides `sgemm_` (what torch's GEMM
// resolves to) and follow the alternatives symlinks to the real file.
//
#include "backends/torch/blas_info.h"

#include <dlfcn.h>
#include <link.h>

#include <climits>
#include <cstdlib>
#include <string>

namespace duet::torchops {
namespace {

std::string realPath(const char *path) {
  char buf[PATH_MAX];
  if (path && ::realpath(path, buf))
    return buf;
  return path ? path : "";
}

/// The file of the loaded library that defines `sgemm_`, or "" when none.
std::string sgemmProvider() {
  void *sym = ::dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (sym && ::dladdr(sym, &info) && info.dli_fname)
    return realPath(info.dli_fname);
  // Fallback: any mapped libblas / libopenblas.
  std::string found;
  ::dl_iterate_phdr(
      [](struct dl_phdr_info *phdr, size_t, void *data) -> int {
        std::string name = phdr->dlpi_name ? phdr->dlpi_name : "";
        if (name.find("libblas.so") == std::string::npos &&
            name.find("libopenblas") == std::string::npos)
          return 0;
        *static_cast<std::string *>(data) = name;
        return 1;
      },
      &found);
  return found.empty() ? found : realPath(found.c_str());
}

bool contains(const std::string &s, const char *part) { return s.find(part) != std::string::npos; }

} // namespace

std::string describeBlas() {
  std::string path = sgemmProvider();
  if (path.empty())
    return "none found (torch falls back to its own slow GEMM) — install libopenblas0-openmp";
  const char *kind = nullptr;
  if (contains(path, "openblas-pthread"))
    kind = "openblas-pthread";
  else if (contains(path, "openblas-openmp"))
    kind = "openblas-openmp";
  else if (contains(path, "openblas-serial"))
    kind = "openblas-serial";
  else if (contains(path, "openblas"))
    kind = "openblas";
  else if (contains(path, "blis"))
    kind = "BLIS";
  else if (contains(path, "atlas"))
    kind = "ATLAS";
  else if (contains(path, "mkl"))
    kind = "MKL";
  if (kind)
    return std::string(kind) + " (" + path + ")";
  // Debian's netlib build lives in .../blas/libblas.so.3.
  return "reference BLAS (" + path + ") — slow; install libopenblas0-openmp";
}

bool setBlasThreads(int n) {
  // Look the control up in the library that serves sgemm_ (several OpenBLAS
  // copies may be mapped; the one torch calls is what matters).
  void *sym = ::dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (!sym || !::dladdr(sym, &info) || !info.dli_fname)
    return false;
  void *lib = ::dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (!lib)
    return false;
  using SetThreads = void (*)(int);
  auto set = reinterpret_cast<SetThreads>(::dlsym(lib, "openblas_set_num_threads"));
  if (set)
    set(n);
  ::dlclose(lib);
  return set != nullptr;
}

} // namespace duet::torchops
