/*
 * Reductions over float32 buffers: sums over one contiguous block of axes, accumulated in double
 * (so at least as accurate as a float32 running sum, whatever the order), and a finiteness scan.
 */
#include <stdint.h>
#include <string.h>
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FL_CLONES
#endif

/* Σ of a contiguous run, eight independent double partial sums (vectorisable, order fixed). */
static double run_sum(const float *restrict x, int64_t len) {
  double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    for (int j = 0; j < 8; j++) p[j] += (double)x[i + j];
  }
  double s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
  for (; i < len; i++) s += (double)x[i];
  return s;
}

FL_CLONES
void fl_sum(const float *restrict x, float *restrict y, int64_t outer, int64_t mid, int64_t inner, double *restrict scratch) {
  for (int64_t o = 0; o < outer; o++) {
    const float *block = x + o * mid * inner;
    if (inner == 1) {
      y[o] = (float)run_sum(block, mid);
      continue;
    }
    for (int64_t i = 0; i < inner; i++) scratch[i] = 0.0;
    for (int64_t m = 0; m < mid; m++) {
      const float *row = block + m * inner;
      for (int64_t i = 0; i < inner; i++) scratch[i] += (double)row[i];
    }
    for (int64_t i = 0; i < inner; i++) y[o * inner + i] = (float)scratch[i];
  }
}

FL_CLONES
int fl_all_finite(const float *restrict x, int64_t len) {
  const uint32_t *bits = (const uint32_t *)x;
  uint32_t bad = 0;
  for (int64_t i = 0; i < len; i++) bad |= (uint32_t)((bits[i] & 0x7f800000u) == 0x7f800000u);
  return bad == 0;
}
