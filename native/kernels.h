/*
 * flowlab's native CPU kernels: plain C over float32 buffers that the caller owns (in flowlab,
 * zero-copy views of the TF.js wasm backend's heap). addon.c exposes them to Node through N-API.
 */
#ifndef FLOWLAB_KERNELS_H
#define FLOWLAB_KERNELS_H
#include <stdint.h>

/*
 * C[b] = op(A)[aOff[b]] · op(B)[bOff[b]] for b < batch, row-major, op = transpose when the flag is
 * set: A is m×k (k×m when transA), B is k×n (n×k when transB), C is batch × m × n contiguous.
 * aOff/bOff are element offsets of each product's operands (broadcast batches repeat an offset).
 */
void fl_gemm(const float *a, const float *b, float *c, int32_t batch, int32_t m, int32_t n, int32_t k,
             int transA, int transB, const int32_t *aOff, const int32_t *bOff);

/* OpenBLAS threads: set (n ≥ 1) and get; the library's build configuration and core name. */
void fl_set_threads(int n);
int fl_get_threads(void);
const char *fl_blas_config(void);
const char *fl_blas_core(void);

/*
 * y[i] = s[i] · g_order(x[i]) (s == NULL: y = g_order(x)), where g_k is the k-th derivative of the
 * exact GELU g(x) = x·Φ(x). See gelu.c for the closed forms.
 */
void fl_gelu(const float *x, const float *s, float *y, int64_t len, int order);

/*
 * y[o, i] = Σ_m x[o, m, i] for x viewed as outer × mid × inner (a sum over one contiguous block of
 * axes), accumulated in double; scratch holds `inner` doubles.
 */
void fl_sum(const float *x, float *y, int64_t outer, int64_t mid, int64_t inner, double *scratch);

/* 1 when every x[i] is finite (no NaN, no ±Inf), else 0. */
int fl_all_finite(const float *x, int64_t len);

/* Geometry of an NHWC 2-D convolution with a [kh, kw, cin, cout] filter (dilation 1). */
typedef struct {
  int n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, top, left;
} fl_conv_geometry;

/* y [n, oh, ow, cout] = conv(x [n, h, w, cin], k); 0 when out of memory. */
int fl_conv2d(const float *x, const float *k, float *y, const fl_conv_geometry *g);

/* dx [n, h, w, cin] = the gradient of ⟨dy, conv(x, k)⟩ in x, for dy [n, oh, ow, cout]; 0 when out of memory. */
int fl_conv2d_backprop_input(const float *dy, const float *k, float *dx, const fl_conv_geometry *g);

/* dk [kh, kw, cin, cout] = the gradient of ⟨dy, conv(x, k)⟩ in k; 0 when out of memory. */
int fl_conv2d_backprop_filter(const float *x, const float *dy, float *dk, const fl_conv_geometry *g);

/* G[i·nb + j] = a[i]·b[j] over vectors of `len` doubles (float64, chunked: each vector read once). */
void fl_dgram(const double *const *a, int32_t na, const double *const *b, int32_t nb, int64_t len, double *g);

/* out[r] += Σ_j c[r·n + j]·b[j] for r < m over vectors of `len` doubles (out[r] may be one of the b). */
void fl_dcombine(const double *const *b, int32_t n, const double *c, double *const *out, int32_t m, int64_t len);

#endif
