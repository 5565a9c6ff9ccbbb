/*
 * N-API glue of the conv2d kernels (conv.c): conv2d(x, k, y, geometry), conv2dBackpropInput(dy, k,
 * dx, geometry), conv2dBackpropFilter(x, dy, dk, geometry), geometry an Int32Array
 * [n, h, w, cin, oh, ow, cout, kh, kw, sh, sw, top, left]; every buffer's length is checked.
 */
#include <string.h>
#include "napi_args.h"
#include "kernels.h"

enum { FORWARD, BACKPROP_INPUT, BACKPROP_FILTER };

/* conv2d(x, k, y, g), conv2dBackpropInput(dy, k, dx, g), conv2dBackpropFilter(x, dy, dk, g). */
static napi_value conv(napi_env env, napi_callback_info info, int which) {
  ARGS(4, "conv2d");
  static const char *names[3][3] = {{"x", "filter", "y"}, {"dy", "filter", "dx"}, {"x", "dy", "dfilter"}};
  size_t l0, l1, l2, lg;
  const float *in0 = typed(env, argv[0], napi_float32_array, &l0, names[which][0]);
  if (!in0) return NULL;
  const float *in1 = typed(env, argv[1], napi_float32_array, &l1, names[which][1]);
  if (!in1) return NULL;
  float *out = typed(env, argv[2], napi_float32_array, &l2, names[which][2]);
  if (!out) return NULL;
  const int32_t *gv = typed(env, argv[3], napi_int32_array, &lg, "geometry");
  if (!gv) return NULL;
  fl_conv_geometry g;
  if (lg != 13) {
    napi_throw_range_error(env, NULL, "flowlab native: conv2d geometry has 13 entries");
    return NULL;
  }
  memcpy(&g, gv, sizeof g);
  size_t xs = (size_t)g.n * g.h * g.w * g.cin, ys = (size_t)g.n * g.oh * g.ow * g.cout, ks = (size_t)g.kh * g.kw * g.cin * g.cout;
  /* sizes each argument must have: x, dy, filter in the order of `names` */
  size_t need[3][3] = {{xs, ks, ys}, {ys, ks, xs}, {xs, ys, ks}};
  int ok = g.n >= 0 && g.h > 0 && g.w > 0 && g.cin > 0 && g.oh >= 0 && g.ow >= 0 && g.cout > 0 && g.kh > 0 && g.kw > 0 &&
           g.sh > 0 && g.sw > 0 && l0 >= need[which][0] && l1 >= need[which][1] && l2 >= need[which][2];
  if (!ok) {
    napi_throw_range_error(env, NULL, "flowlab native: conv2d operands out of bounds");
    return NULL;
  }
  int done = which == FORWARD ? fl_conv2d(in0, in1, out, &g)
             : which == BACKPROP_INPUT ? fl_conv2d_backprop_input(in0, in1, out, &g)
                                       : fl_conv2d_backprop_filter(in0, in1, out, &g);
  if (!done) {
    napi_throw_error(env, NULL, "flowlab native: conv2d: out of memory");
  }
  return NULL;
}

napi_value fl_napi_conv2d(napi_env env, napi_callback_info info) { return conv(env, info, FORWARD); }
napi_value fl_napi_conv2d_backprop_input(napi_env env, napi_callback_info info) { return conv(env, info, BACKPROP_INPUT); }
napi_value fl_napi_conv2d_backprop_filter(napi_env env, napi_callback_info info) { return conv(env, info, BACKPROP_FILTER); }
