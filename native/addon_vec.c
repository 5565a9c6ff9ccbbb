/*
 * N-API bindings of the float64 block kernels (vec.c) for the host-side eigensolvers:
 *
 *   dgram(a, b, g)       a, b: arrays of Float64Array (one length); g: Float64Array(a.length·b.length)
 *                        g[i·nb + j] = a[i]·b[j]
 *   dcombine(b, c, out)  b, out: arrays of Float64Array (one length); c: Float64Array(out.length·b.length)
 *                        out[r] += Σⱼ c[r·n + j]·b[j]   (out[r] may be one of the b)
 */
#include <stdlib.h>
#include "napi_args.h"
#include "kernels.h"

/* The data pointers of a JS array of Float64Arrays of one length (malloc'd; NULL with a JS error). */
static double **vectors(napi_env env, napi_value arr, const char *name, uint32_t *count, size_t *len) {
  bool is = false;
  if (napi_is_array(env, arr, &is) != napi_ok || !is || napi_get_array_length(env, arr, count) != napi_ok) {
    char msg[128];
    snprintf(msg, sizeof msg, "flowlab native: argument '%s' must be an array of Float64Array", name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  double **ptrs = malloc(sizeof(double *) * (*count + 1));
  if (!ptrs) {
    napi_throw_error(env, NULL, "flowlab native: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value v;
    size_t l = 0;
    if (napi_get_element(env, arr, i, &v) != napi_ok || !(ptrs[i] = typed(env, v, napi_float64_array, &l, name))) {
      free(ptrs);
      return NULL;
    }
    if (i > 0 && l != *len) {
      free(ptrs);
      napi_throw_range_error(env, NULL, "flowlab native: vectors of different lengths");
      return NULL;
    }
    *len = l;
  }
  return ptrs;
}

napi_value fl_napi_dgram(napi_env env, napi_callback_info info) {
  ARGS(3, "dgram");
  uint32_t na = 0, nb = 0;
  size_t la = 0, lb = 0, lg = 0;
  double **a = vectors(env, argv[0], "a", &na, &la);
  if (!a) return NULL;
  double **b = vectors(env, argv[1], "b", &nb, &lb);
  double *g = b ? typed(env, argv[2], napi_float64_array, &lg, "g") : NULL;
  if (g && ((na && nb && la != lb) || lg < (size_t)na * nb)) {
    napi_throw_range_error(env, NULL, "flowlab native: dgram needs a, b of one length and g of a.length·b.length");
    g = NULL;
  }
  if (g && na && nb) fl_dgram((const double *const *)a, (int32_t)na, (const double *const *)b, (int32_t)nb, (int64_t)la, g);
  free(a);
  free(b);
  return NULL;
}

napi_value fl_napi_dcombine(napi_env env, napi_callback_info info) {
  ARGS(3, "dcombine");
  uint32_t n = 0, m = 0;
  size_t lb = 0, lo = 0, lc = 0;
  double **b = vectors(env, argv[0], "b", &n, &lb);
  if (!b) return NULL;
  const double *c = typed(env, argv[1], napi_float64_array, &lc, "c");
  double **out = c ? vectors(env, argv[2], "out", &m, &lo) : NULL;
  if (out && ((n && m && lb != lo) || lc < (size_t)n * m)) {
    napi_throw_range_error(env, NULL, "flowlab native: dcombine needs b, out of one length and c of out.length·b.length");
    free(out);
    out = NULL;
  }
  if (out && n && m) fl_dcombine((const double *const *)b, (int32_t)n, c, out, (int32_t)m, (int64_t)lb);
  free(b);
  free(out);
  return NULL;
}
