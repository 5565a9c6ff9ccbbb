/*
 * 2-D convolution (NHWC input, [kh, kw, cin, cout] filter, any stride and padding, dilation 1) and
 * its input gradient, as im2col/col2im around one sgemm per block of images:
 *
 *   y = conv(x, K):      P = im2col(x)  [rows, kh·kw·cin],   y = P · K            [rows, cout]
 *   dx = convᵀ(dy, K):   C = dy · Kᵀ    [rows, kh·kw·cin],   dx = col2im(C) (scatter-add)
 *   dK = ∂⟨dy, conv(x, K)⟩/∂K = Σ_blocks im2col(x)ᵀ · dy                              [kh·kw·cin, cout]
 *
 * rows = images · oh · ow; a block holds as many images as keep P (or C) within SCRATCH floats.
 * Column order (tap row, tap column, channel) is the filter's own row-major layout.
 */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc);

#define SCRATCH (1 << 22) /* floats (16 MiB) of im2col buffer per block */

static int64_t block_images(const fl_conv_geometry *g) {
  int64_t per = (int64_t)g->oh * g->ow * g->kh * g->kw * g->cin;
  int64_t b = per > 0 ? SCRATCH / per : g->n;
  return b < 1 ? 1 : (b > g->n ? g->n : b);
}

/* The input pixel a tap of output (oi, oj) reads, or −1 outside the image (zero padding). */
static inline int64_t source(const fl_conv_geometry *g, int64_t img, int oi, int oj, int ki, int kj) {
  int ii = oi * g->sh - g->top + ki, jj = oj * g->sw - g->left + kj;
  if (ii < 0 || ii >= g->h || jj < 0 || jj >= g->w) return -1;
  return ((img * g->h + ii) * g->w + jj) * (int64_t)g->cin;
}

/* The im2col rows of images b0 … b0 + imgs − 1 into p. */
static void im2col(const float *x, float *p, int64_t b0, int64_t imgs, const fl_conv_geometry *g) {
  float *row = p;
  for (int64_t img = b0; img < b0 + imgs; img++) {
    for (int oi = 0; oi < g->oh; oi++) {
      for (int oj = 0; oj < g->ow; oj++) {
        for (int ki = 0; ki < g->kh; ki++) {
          for (int kj = 0; kj < g->kw; kj++, row += g->cin) {
            int64_t s = source(g, img, oi, oj, ki, kj);
            if (s < 0) memset(row, 0, sizeof(float) * (size_t)g->cin);
            else memcpy(row, x + s, sizeof(float) * (size_t)g->cin);
          }
        }
      }
    }
  }
}

int fl_conv2d(const float *x, const float *k, float *y, const fl_conv_geometry *g) {
  const int64_t taps = (int64_t)g->kh * g->kw * g->cin, per = (int64_t)g->oh * g->ow, step = block_images(g);
  float *p = malloc(sizeof(float) * (size_t)(step * per * taps));
  if (!p) return 0;
  for (int64_t b0 = 0; b0 < g->n; b0 += step) {
    int64_t imgs = b0 + step <= g->n ? step : g->n - b0;
    im2col(x, p, b0, imgs, g);
    cblas_sgemm(RowMajor, NoTrans, NoTrans, (int)(imgs * per), g->cout, (int)taps, 1.0f, p, (int)taps, k, g->cout,
                0.0f, y + b0 * per * g->cout, g->cout);
  }
  free(p);
  return 1;
}

int fl_conv2d_backprop_input(const float *dy, const float *k, float *dx, const fl_conv_geometry *g) {
  const int64_t taps = (int64_t)g->kh * g->kw * g->cin, per = (int64_t)g->oh * g->ow, step = block_images(g);
  float *c = malloc(sizeof(float) * (size_t)(step * per * taps));
  if (!c) return 0;
  memset(dx, 0, sizeof(float) * (size_t)(g->n * g->h * g->w * g->cin));
  for (int64_t b0 = 0; b0 < g->n; b0 += step) {
    int64_t imgs = b0 + step <= g->n ? step : g->n - b0;
    cblas_sgemm(RowMajor, NoTrans, Trans, (int)(imgs * per), (int)taps, g->cout, 1.0f, dy + b0 * per * g->cout, g->cout,
                k, g->cout, 0.0f, c, (int)taps);
    const float *row = c;
    for (int64_t img = b0; img < b0 + imgs; img++) {
      for (int oi = 0; oi < g->oh; oi++) {
        for (int oj = 0; oj < g->ow; oj++) {
          for (int ki = 0; ki < g->kh; ki++) {
            for (int kj = 0; kj < g->kw; kj++, row += g->cin) {
              int64_t s = source(g, img, oi, oj, ki, kj);
              if (s < 0) continue;
              float *to = dx + s;
              for (int ch = 0; ch < g->cin; ch++) to[ch] += row[ch];
            }
          }
        }
      }
    }
  }
  free(c);
  return 1;
}

int fl_conv2d_backprop_filter(const float *x, const float *dy, float *dk, const fl_conv_geometry *g) {
  const int64_t taps = (int64_t)g->kh * g->kw * g->cin, per = (int64_t)g->oh * g->ow, step = block_images(g);
  memset(dk, 0, sizeof(float) * (size_t)(taps * g->cout));
  if (g->n == 0 || per == 0) return 1;
  float *p = malloc(sizeof(float) * (size_t)(step * per * taps));
  if (!p) return 0;
  for (int64_t b0 = 0; b0 < g->n; b0 += step) {
    int64_t imgs = b0 + step <= g->n ? step : g->n - b0;
    im2col(x, p, b0, imgs, g);
    cblas_sgemm(RowMajor, Trans, NoTrans, (int)taps, g->cout, (int)(imgs * per), 1.0f, p, (int)taps,
                dy + b0 * per * g->cout, g->cout, 1.0f, dk, g->cout);
  }
  free(p);
  return 1;
}
