//===- backends/torch/torch_backend.cpp - regions run with LibTorch ------===//
//
// The TorchBackend: wraps a region's input buffers as tensors without
// copying (at::from_blob), runs the region's nodes in order with the ATen
// calls of torch_ops.cpp, and hands results back as Buffers that share the
// result tensors' storage whenever they are contiguous.
//
#include "backends/torch_backend.h"

#include "backends/pure/threads.h"
#include "backends/torch/blas_info.h"
#include "backends/torch/failure_injection.h"
#include "backends/torch/torch_autograd.h"
#include "backends/torch/torch_ops.h"
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/value_names.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <torch/csrc/api/include/torch/version.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <unordered_map>

namespace duet {
namespace {

/// "%x (add)", exactly as the IR dump names the node.
std::string describe(const Node &n) {
  std::string label = fmt::format("%{}", n.id());
  if (const Graph *g = n.graph())
    label = labelOf(*g, valueLabels(*g), &n);
  return fmt::format("{} ({})", label, n.opName());
}

/// torch's messages can span lines (hints, C++ context); keep them whole but
/// without trailing blank space.
std::string torchMessage(const c10::Error &e) {
  std::string m = e.what_without_backtrace();
  while (!m.empty() && std::isspace(static_cast<unsigned char>(m.back())))
    m.pop_back();
  return m;
}

/// A caller's buffer seen as a tensor, without a copy. The deleter holds a
/// copy of the Buffer, so a result that is a view of this input (reshape,
/// slice...) keeps the caller's data alive for as long as it is used.
at::Tensor wrapInput(const Buffer &b) {
  at::TensorOptions opts = at::TensorOptions().dtype(torchops::scalarType(b.dtype()));
  if (b.numel() == 0 || !b.raw())
    return at::empty(b.shape(), opts);
  return at::from_blob(
      b.raw(), b.shape(), [keep = b](void *) {}, opts);
}

/// Hands a result tensor back as a Buffer: shared storage when contiguous,
/// one copy otherwise.
Buffer unwrapOutput(const at::Tensor &t, const Node &n, std::span<const Buffer> inputs,
                    ConversionStats &stats) {
  const TensorType &type = n.type();
  auto bytes = static_cast<int64_t>(type.numel()) * static_cast<int64_t>(dtypeSize(type.dtype));
  ++stats.conversions;
  if (type.numel() == 0)
    return Buffer::allocate(type);
  at::Tensor r = t;
  // Sharing a small view of a large region-internal tensor would pin all of
  // it for as long as the result lives; views of caller buffers pin nothing new.
  const void *base = r.storage().data();
  bool ownsCallerData =
      std::any_of(inputs.begin(), inputs.end(), [&](const Buffer &in) { return in.raw() == base; });
  bool pinsMuchMore = !ownsCallerData && static_cast<int64_t>(r.storage().nbytes()) > 2 * bytes;
  if (r.is_contiguous() && !pinsMuchMore) {
    stats.zeroCopyBytes += bytes;
  } else {
    r = r.clone(at::MemoryFormat::Contiguous);
    stats.copiedBytes += bytes;
  }
  // The result is (a reshaped view of) a caller's buffer: return that buffer.
  for (const Buffer &in : inputs)
    if (in.raw() == r.data_ptr() && static_cast<int64_t>(in.nbytes()) == bytes &&
        in.dtype() == type.dtype)
      return in.shape() == type.shape ? in : in.reshaped(type.shape);
  auto holder = std::make_shared<at::Tensor>(std::move(r));
  return Buffer::wrap(type, holder->data_ptr(), holder);
}

/// Debian builds LibTorch 1.13.1 from a tree whose version.txt still says
/// 1.13.0, so TORCH_VERSION is wrong; the build path recorded in
/// show_config() ("pytorch-1.13.1+dfsg") carries the real release.
std::string torchVersion() {
  static const std::string v = [] {
    std::smatch m;
    std::string config = at::show_config();
    static const std::regex release(R"(pytorch-(\d+\.\d+\.\d+))");
    if (std::regex_search(config, m, release))
      return m[1].str();
    return std::string(TORCH_VERSION);
  }();
  return v;
}

class TorchBackendImpl final : public TorchBackend {
public:
  // Torch's intra-op pool and OpenBLAS's follow duet's one thread setting
  // (DUET_NUM_THREADS, else the cores), set here rather than left to
  // OMP_NUM_THREADS / OPENBLAS_NUM_THREADS defaults.
  TorchBackendImpl() { setNumThreads(pureThreads()); }

  bool supports(const Node &node, std::string *whyNot) const override {
    std::string reason = torchops::unsupportedReason(node);
    if (!reason.empty() && whyNot)
      *whyNot = reason;
    return reason.empty();
  }

  std::vector<Buffer> runRegion(const TorchRegion &region, std::span<const Buffer> inputs,
                                ConversionStats &stats) override;

  std::string version() const override { return "LibTorch " + torchVersion(); }
  std::string blasName() const override {
    static const std::string name = torchops::describeBlas();
    return name;
  }
  int numThreads() const override { return at::get_num_threads(); }
  void setNumThreads(int n) override {
    if (n < 1)
      throw Error(fmt::format("torch: thread count must be at least 1, got {}", n));
    at::set_num_threads(n);
    // at::set_num_threads sets torch's OpenMP pool only; OpenBLAS's own pool
    // (set at start-up by OPENBLAS_NUM_THREADS) runs the GEMMs, so set it too.
    torchops::setBlasThreads(n);
  }
  void setFailureInjection(double p, uint64_t seed) override { injector_.configure(p, seed); }
  std::vector<Buffer> referenceGradients(const Graph &g, std::span<const Buffer> values,
                                         const std::vector<const Node *> &wrt) override {
    return torchops::referenceGradients(g, values, wrt);
  }
  std::unique_ptr<ReferenceSgdTrainer> referenceSgdTrainer(const Graph &g,
                                                           std::span<const Buffer> initial,
                                                           double lr) override {
    return torchops::referenceSgdTrainer(g, initial, lr);
  }
  std::unique_ptr<ReferenceSgdTrainer> referenceAdamTrainer(const Graph &g,
                                                            std::span<const Buffer> initial,
                                                            double lr, double beta1, double beta2,
                                                            double eps) override {
    return torchops::referenceAdamTrainer(g, initial, lr, beta1, beta2, eps);
  }

private:
  torchops::FailureInjector injector_;
};

std::vector<Buffer> TorchBackendImpl::runRegion(const TorchRegion &region,
                                                std::span<const Buffer> inputs,
                                                ConversionStats &stats) {
  if (injector_.shouldFail())
    throw Error(fmt::format("injected torch failure in region of {} node(s) starting at {} "
                            "(probability {})",
                            region.nodes.size(),
                            region.nodes.empty() ? "-" : describe(*region.nodes.front()),
                            injector_.probability()));
  if (inputs.size() != region.inputs.size())
    throw Error(fmt::format("torch region: {} input buffers for {} region inputs", inputs.size(),
                            region.inputs.size()));

  // No autograd bookkeeping: ~0.2 us less per op on small tensors (measured,
  // 20-op regions: 26 -> 22 us).
  c10::InferenceMode inferenceMode;
  std::unordered_map<const Node *, at::Tensor> values;
  values.reserve(region.inputs.size() + region.nodes.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Node *n = region.inputs[i];
    if (!inputs[i].defined() || inputs[i].type() != n->type())
      throw Error(fmt::format(
          "torch region input {} {}: buffer is {} but the graph says {}", i, describe(*n),
          inputs[i].defined() ? inputs[i].type().str() : "undefined", n->type().str()));
    values[n] = wrapInput(inputs[i]);
    ++stats.conversions;
    stats.zeroCopyBytes += static_cast<int64_t>(inputs[i].nbytes());
  }

  std::vector<at::Tensor> operands;
  for (const Node *n : region.nodes) {
    operands.clear();
    for (const Node *in : n->inputs()) {
      auto it = values.find(in);
      if (it == values.end())
        throw Error(fmt::format("torch region: operand {} of {} is neither computed in the "
                                "region nor one of its inputs",
                                describe(*in), describe(*n)));
      operands.push_back(it->second);
    }
    at::Tensor result;
    try {
      result = torchops::runOp(*n, operands);
    } catch (const c10::Error &e) {
      throw Error(fmt::format("torch failed on {}: {}", describe(*n), torchMessage(e)));
    } catch (const std::exception &e) {
      throw Error(fmt::format("torch failed on {}: {}", describe(*n), e.what()));
    }
    if (!result.sizes().equals(n->shape()))
      throw Error(fmt::format("torch failed on {}: it produced shape [{}] but the graph says {}",
                              describe(*n), fmt::join(result.sizes(), ","), n->type().str()));
    values[n] = std::move(result);
  }

  std::vector<Buffer> out;
  out.reserve(region.outputs.size());
  for (const Node *n : region.outputs) {
    auto it = values.find(n);
    if (it == values.end())
      throw Error(
          fmt::format("torch region: output {} is not computed by the region", describe(*n)));
    out.push_back(unwrapOutput(it->second, *n, inputs, stats));
  }
  return out;
}

} // namespace

TorchBackend *torchBackend() {
  static TorchBackendImpl backend;
  return &backend;
}

} // namespace duet
