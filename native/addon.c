/*
 * N-API face of flowlab's native kernels (see kernels.h). Every array argument is a typed array the
 * caller owns — in flowlab, views of the TF.js wasm heap — read and written in place, no copies.
 * Node loads it with require('…/flowlab_native.node'); src/tensor/native/addon.ts does that.
 *
 *   gemm(a, b, c, m, n, k, transA, transB, aOffsets, bOffsets)   Float32Array ×3, Int32Array ×2
 *   gelu(x, s | null, y, order)                                   y = s ⊙ g⁽ᵒʳᵈᵉʳ⁾(x)
 *   sum(x, y, outer, mid, inner)                                  y[o,i] = Σₘ x[o,m,i]
 *   allFinite(x) → boolean
 *   conv2d(x, k, y, geometry), conv2dBackpropInput(dy, k, dx, geometry),
 *   conv2dBackpropFilter(x, dy, dk, geometry)
 *                     geometry: Int32Array [n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, top, left]
 *   dgram(a[], b[], g), dcombine(b[], c, out[])   float64 block-vector kernels (addon_vec.c)
 *   setThreads(n), threads(), blasConfig()
 */
#include <stdlib.h>
#include "napi_args.h"
#include "kernels.h"

static napi_value gemm(napi_env env, napi_callback_info info) {
  ARGS(10, "gemm");
  size_t la, lb, lc, loa, lob;
  const float *a = typed(env, argv[0], napi_float32_array, &la, "a");
  if (!a) return NULL;
  const float *b = typed(env, argv[1], napi_float32_array, &lb, "b");
  if (!b) return NULL;
  float *c = typed(env, argv[2], napi_float32_array, &lc, "c");
  if (!c) return NULL;
  int32_t m = int_arg(env, argv[3]), n = int_arg(env, argv[4]), k = int_arg(env, argv[5]);
  int ta = int_arg(env, argv[6]) != 0, tb = int_arg(env, argv[7]) != 0;
  const int32_t *ao = typed(env, argv[8], napi_int32_array, &loa, "aOffsets");
  if (!ao) return NULL;
  const int32_t *bo = typed(env, argv[9], napi_int32_array, &lob, "bOffsets");
  if (!bo) return NULL;
  /* bounds: every product must lie inside its buffer (a wrong call must not scribble on the heap) */
  size_t sa = (size_t)m * (size_t)k, sb = (size_t)k * (size_t)n, batch = loa;
  int ok = m >= 0 && n >= 0 && k >= 0 && loa == lob && lc >= batch * (size_t)m * (size_t)n;
  for (size_t i = 0; ok && i < batch; i++) {
    ok = ao[i] >= 0 && bo[i] >= 0 && (size_t)ao[i] + sa <= la && (size_t)bo[i] + sb <= lb;
  }
  if (!ok) {
    napi_throw_range_error(env, NULL, "flowlab native: gemm operands out of bounds");
    return NULL;
  }
  fl_gemm(a, b, c, (int32_t)batch, m, n, k, ta, tb, ao, bo);
  return NULL;
}

static napi_value gelu(napi_env env, napi_callback_info info) {
  ARGS(4, "gelu");
  size_t lx, ls = 0, ly;
  const float *x = typed(env, argv[0], napi_float32_array, &lx, "x");
  if (!x) return NULL;
  napi_valuetype st;
  CHECK(napi_typeof(env, argv[1], &st));
  const float *s = NULL;
  if (st != napi_null && st != napi_undefined) {
    s = typed(env, argv[1], napi_float32_array, &ls, "s");
    if (!s) return NULL;
  }
  float *y = typed(env, argv[2], napi_float32_array, &ly, "y");
  if (!y) return NULL;
  int32_t order = int_arg(env, argv[3]);
  if (ly != lx || (s && ls != lx) || order < 0) {
    napi_throw_range_error(env, NULL, "flowlab native: gelu needs x, s and y of one length and order >= 0");
    return NULL;
  }
  fl_gelu(x, s, y, (int64_t)lx, order);
  return NULL;
}

static napi_value sum(napi_env env, napi_callback_info info) {
  ARGS(5, "sum");
  size_t lx, ly;
  const float *x = typed(env, argv[0], napi_float32_array, &lx, "x");
  if (!x) return NULL;
  float *y = typed(env, argv[1], napi_float32_array, &ly, "y");
  if (!y) return NULL;
  int64_t outer = int64_arg(env, argv[2]), mid = int64_arg(env, argv[3]), inner = int64_arg(env, argv[4]);
  if (outer < 0 || mid < 0 || inner < 0 || (size_t)(outer * mid * inner) > lx || (size_t)(outer * inner) > ly) {
    napi_throw_range_error(env, NULL, "flowlab native: sum shapes out of bounds");
    return NULL;
  }
  double *scratch = inner > 1 ? malloc(sizeof(double) * (size_t)inner) : NULL;
  if (inner > 1 && !scratch) {
    napi_throw_error(env, NULL, "flowlab native: sum: out of memory");
    return NULL;
  }
  fl_sum(x, y, outer, mid, inner, scratch);
  free(scratch);
  return NULL;
}

static napi_value all_finite(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t lx;
  const float *x = argc == 1 ? typed(env, argv[0], napi_float32_array, &lx, "x") : NULL;
  if (!x) return NULL;
  napi_value out;
  CHECK(napi_get_boolean(env, fl_all_finite(x, (int64_t)lx) != 0, &out));
  return out;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t n = argc > 0 ? int_arg(env, argv[0]) : 1;
  fl_set_threads(n < 1 ? 1 : n);
  return NULL;
}

static napi_value threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_int32(env, fl_get_threads(), &out));
  return out;
}

static napi_value blas_config(napi_env env, napi_callback_info info) {
  (void)info;
  char text[256];
  snprintf(text, sizeof text, "%s (%s)", fl_blas_config(), fl_blas_core());
  napi_value out;
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gelu", NULL, gelu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sum", NULL, sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"allFinite", NULL, all_finite, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2d", NULL, fl_napi_conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, fl_napi_conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, fl_napi_conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dgram", NULL, fl_napi_dgram, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dcombine", NULL, fl_napi_dcombine, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threads", NULL, threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"blasConfig", NULL, blas_config, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
