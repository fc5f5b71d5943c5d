//===- backends/pure/matmul.cpp - matmul and linear via Eigen GEMM --------===//
//
// Buffers are row-major, so each matrix is an Eigen::Map of a row-major
// matrix and the product is Eigen's blocked GEMM. Batch dims broadcast; when
// b has no (or only broadcast) batch dims and a's batch is contiguous, the
// whole batch folds into one tall GEMM, which is much faster than many small
// ones.
//

#include "backends/pure/common.h"
#include "backends/pure/eigen.h"
#include "backends/pure/kernels.h"
#include "backends/pure/parallel_gemm.h"
#include "backends/pure/strided.h"

namespace duet::pure {

namespace {

template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T> using MatrixMap = Eigen::Map<RowMatrix<T>>;
template <class T> using ConstMatrixMap = Eigen::Map<const RowMatrix<T>>;

/// c[m,n] = a[m,k] * b[k,n], all row-major.
template <class T> void gemm(const T *a, const T *b, T *c, int64_t m, int64_t k, int64_t n) {
  MatrixMap<T> cm(c, m, n);
  if (k == 0) { // an empty sum
    cm.setZero();
    return;
  }
  threadedProduct(cm, ConstMatrixMap<T>(a, m, k), ConstMatrixMap<T>(b, k, n));
}

template <class T> void matmul(const Buffer &a, const Buffer &b, Buffer &out) {
  const Shape &sa = a.shape(), &sb = b.shape(), &so = out.shape();
  const size_t ra = sa.size(), rb = sb.size();
  const int64_t m = sa[ra - 2], k = sa[ra - 1], n = sb[rb - 1];
  const T *pa = a.data<T>(), *pb = b.data<T>();
  T *pc = out.data<T>();
  if (out.numel() == 0)
    return;

  const Shape batchA(sa.begin(), sa.end() - 2), batchB(sb.begin(), sb.end() - 2);
  const Shape batchO(so.begin(), so.end() - 2);
  const int64_t numA = prod(batchA, 0, batchA.size()), numB = prod(batchB, 0, batchB.size());
  const int64_t numO = prod(batchO, 0, batchO.size());
  if (numB == 1 && numA == numO) {
    // b is shared by every batch entry: one [batch*M, K] x [K, N] GEMM.
    gemm(pa, pb, pc, numO * m, k, n);
    return;
  }
  // General broadcast over batch dims; the loop's "elements" are matrices.
  std::vector<int64_t> stO = contiguousStrides(batchO), stA = broadcastStrides(batchA, batchO),
                       stB = broadcastStrides(batchB, batchO);
  StridedLoop<3> loop = makeLoop<3>(batchO, {stO, stA, stB});
  const int64_t inner = loop.inner();
  const int64_t sA = loop.innerStride(1), sB = loop.innerStride(2), sO = loop.innerStride(0);
  forEachRow(loop, [&](const std::array<int64_t, 3> &off) {
    for (int64_t i = 0; i < inner; ++i)
      gemm(pa + (off[1] + i * sA) * m * k, pb + (off[2] + i * sB) * k * n,
           pc + (off[0] + i * sO) * m * n, m, k, n);
  });
}

} // namespace

void runMatmul(const Node &node, Inputs in, Buffer &out) {
  if (in[0].shape().size() < 2 || in[1].shape().size() < 2)
    fail(node, "operands must have rank >= 2");
  dispatchNumeric(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    matmul<T>(in[0], in[1], out);
  });
}

void runLinear(const Node &node, Inputs in, Buffer &out) {
  // out[rows, N] = x[rows, K] * w[N, K]^T (+ bias[N]).
  const Shape &sw = in[1].shape();
  if (sw.size() != 2 || in[0].shape().empty())
    fail(node, "expects x [..., K] and w [N, K]");
  const int64_t n = sw[0], k = sw[1];
  const int64_t rows = k == 0 ? out.numel() / std::max<int64_t>(n, 1) : in[0].numel() / k;
  dispatchNumeric(node, in[0].dtype(), [&](auto tag) {
    using T = decltype(tag);
    MatrixMap<T> y(out.data<T>(), rows, n);
    if (out.numel() == 0)
      return;
    if (k == 0)
      y.setZero();
    else
      threadedProduct(y, ConstMatrixMap<T>(in[0].data<T>(), rows, k),
                      ConstMatrixMap<T>(in[1].data<T>(), n, k).transpose());
    if (in.size() == 3)
      y.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(in[2].data<T>(), n);
  });
}

} // namespace duet::pure
