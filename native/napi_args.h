/*
 * Argument helpers shared by the N-API glue files (addon.c, addon_conv.c, addon_vec.c): typed-array views with
 * type checks, integer arguments, and CHECK, which turns a failed N-API call into a JS error.
 */
#ifndef FLOWLAB_NAPI_ARGS_H
#define FLOWLAB_NAPI_ARGS_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "flowlab native: " #call " failed"); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

/* Declares napi_value argv[n] holding the call's arguments; a call with another count throws "NAME takes n arguments". */
#define ARGS(n, name)                                                              \
  size_t argc = (n);                                                               \
  napi_value argv[(n)];                                                            \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                     \
  if (argc != (n)) {                                                               \
    napi_throw_error(env, NULL, "flowlab native: " name " takes " #n " arguments"); \
    return NULL;                                                                   \
  }

/* The data pointer and length of a typed array of the wanted type; NULL (with a JS error) otherwise. */
static inline void *typed(napi_env env, napi_value v, napi_typedarray_type want, size_t *length, const char *name) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) {
    char msg[128];
    snprintf(msg, sizeof msg, "flowlab native: argument '%s' must be a typed array", name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  napi_typedarray_type type;
  void *data = NULL;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "flowlab native: argument '%s' has the wrong element type", name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  /* a zero-length view may report no data pointer: hand the kernels a valid one anyway */
  static float empty[1];
  return data ? data : (void *)empty;
}

static inline int32_t int_arg(napi_env env, napi_value v) {
  int32_t out = 0;
  napi_get_value_int32(env, v, &out);
  return out;
}

static inline int64_t int64_arg(napi_env env, napi_value v) {
  int64_t out = 0;
  napi_get_value_int64(env, v, &out);
  return out;
}

/* The conv2d bindings (addon_conv.c). */
napi_value fl_napi_conv2d(napi_env env, napi_callback_info info);
napi_value fl_napi_conv2d_backprop_input(napi_env env, napi_callback_info info);
napi_value fl_napi_conv2d_backprop_filter(napi_env env, napi_callback_info info);

/* The float64 block-vector bindings (addon_vec.c). */
napi_value fl_napi_dgram(napi_env env, napi_callback_info info);
napi_value fl_napi_dcombine(napi_env env, napi_callback_info info);

#endif
