/*
 * Float64 block kernels over many long vectors held as separate buffers (the host-side eigensolvers'
 * blocks: LOBPCG's X, P, W and their images, Lanczos bases). Both walk the vectors in cache-sized
 * chunks, so each vector is read from memory once per call whatever the number of products:
 *
 *   fl_dgram:    G[i·nb + j] = aᵢ · bⱼ             (na × nb inner products, float64 accumulation)
 *   fl_dcombine: outᵣ += Σⱼ C[r·n + j] · bⱼ        (m outputs; zero coefficients skipped)
 *
 * The sums use eight fixed partial sums per chunk (vectorisable without reassociation flags, and the
 * same order on every run), so they are at least as accurate as a running float64 sum.
 */
#include <stdint.h>
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FL_CLONES
#endif

#define FL_VEC_CHUNK 256

static double chunk_dot(const double *restrict a, const double *restrict b, int64_t len) {
  double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    for (int j = 0; j < 8; j++) p[j] += a[i + j] * b[i + j];
  }
  double s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
  for (; i < len; i++) s += a[i] * b[i];
  return s;
}

FL_CLONES
void fl_dgram(const double *const *a, int32_t na, const double *const *b, int32_t nb, int64_t len, double *g) {
  for (int64_t k = 0; k < (int64_t)na * nb; k++) g[k] = 0.0;
  for (int64_t start = 0; start < len; start += FL_VEC_CHUNK) {
    int64_t n = len - start < FL_VEC_CHUNK ? len - start : FL_VEC_CHUNK;
    for (int32_t i = 0; i < na; i++) {
      for (int32_t j = 0; j < nb; j++) g[(int64_t)i * nb + j] += chunk_dot(a[i] + start, b[j] + start, n);
    }
  }
}

/* out may alias one of the b (x ← x + c·x), so no restrict on it */
static void chunk_axpy(double *o, double c, const double *b, int64_t len) {
  for (int64_t i = 0; i < len; i++) o[i] += c * b[i];
}

FL_CLONES
void fl_dcombine(const double *const *b, int32_t n, const double *c, double *const *out, int32_t m, int64_t len) {
  for (int64_t start = 0; start < len; start += FL_VEC_CHUNK) {
    int64_t k = len - start < FL_VEC_CHUNK ? len - start : FL_VEC_CHUNK;
    for (int32_t j = 0; j < n; j++) {
      for (int32_t r = 0; r < m; r++) {
        double cj = c[(int64_t)r * n + j];
        if (cj != 0.0) chunk_axpy(out[r] + start, cj, b[j] + start, k);
      }
    }
  }
}
