/*
 * The exact GELU g(x) = x·Φ(x) (Hendrycks & Gimpel 2016, arXiv:1606.08415; PyTorch's nn.GELU())
 * and its derivatives of every order, elementwise, in one pass:
 *
 *   g₀ = xΦ(x)      g₁ = Φ(x) + xφ(x)      gₖ = (−1)ᵏ φ(x) (Heₖ₋₂(x) − Heₖ(x))   (k ≥ 2)
 *
 * with φ the standard normal density and Heⱼ the probabilists' Hermite polynomials
 * (He₀ = 1, He₁ = x, Heⱼ₊₁ = x Heⱼ − j Heⱼ₋₁), from (xΦ)⁽ᵏ⁾ = xφ⁽ᵏ⁻¹⁾ + kφ⁽ᵏ⁻²⁾ and
 * φ⁽ʲ⁾ = (−1)ʲ Heⱼ φ. So g₂ = φ(2 − x²), g₃ = φ(x³ − 4x), g₄ = φ(−x⁴ + 7x² − 4).
 *
 * exp and Φ are written here as branch-free float arithmetic so that the compiler vectorises the
 * loops (glibc's scalar erff costs ~30 ns an element). Φ(−|x|) = ½ erfc(|x|/√2) uses the
 * Chebyshev-fitted erfc of Press, Teukolsky, Vetterling & Flannery, Numerical Recipes (2nd ed.,
 * 1992, §6.2), whose relative error is below 1.2e-7 everywhere: Φ keeps float32 relative accuracy
 * in its far tail too, where ½(1 + erf(x/√2)) loses it.
 */
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FL_CLONES
#endif

static const float INV_SQRT_2PI = 0.3989422804014327f;
static const float SQRT_HALF = 0.7071067811865476f;

/* eˣ for x ≤ 88 (0 below −87.3, NaN for NaN): 2ⁿ·eʳ, n = round(x/ln 2), |r| ≤ ln2/2, degree-7 Taylor. */
static inline float fl_exp(float x) {
  const float lo = -87.3f;
  float xc = x < lo ? lo : (x > 88.0f ? 88.0f : x);
  xc = xc == xc ? xc : 0.0f; /* NaN: any finite stand-in, the result is x */
  const float round = 12582912.0f; /* 1.5·2²³: adding it rounds to the nearest integer */
  float n = (xc * 1.4426950408889634f + round) - round;
  float r = (xc - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
  union { int32_t i; float f; } scale;
  scale.i = ((int32_t)n + 127) << 23;
  float v = p * scale.f;
  v = x < lo ? 0.0f : v;
  return x == x ? v : x;
}

/* Φ(x), the standard normal CDF. */
static inline float fl_cdf(float x) {
  float z = (x < 0 ? -x : x) * SQRT_HALF;
  float t = 1.0f / (1.0f + 0.5f * z);
  float poly = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f +
               t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  float tail = 0.5f * t * fl_exp(-z * z + poly); /* Φ(−|x|) */
  return x >= 0 ? 1.0f - tail : tail;
}

static inline float fl_pdf(float x) { return INV_SQRT_2PI * fl_exp(-0.5f * x * x); }

/* (−1)ᵏ (Heₖ₋₂(x) − Heₖ(x)) for k ≥ 2, by the Hermite recurrence. */
static float hermite_factor(float x, int k) {
  float older = 0.0f, prev = 1.0f, cur = x; /* He₋₁ (unused), He₀, He₁ */
  for (int j = 1; j < k; j++) {
    float next = x * cur - (float)j * prev;
    older = prev;
    prev = cur;
    cur = next;
  } /* now cur = Heₖ, older = Heₖ₋₂ */
  float f = older - cur;
  return (k & 1) ? -f : f;
}

/* y = s ⊙ f(x) (or f(x) without s) as two plain loops: a NULL test inside one loop stops vectorisation. */
#define FL_MAP(f)                                                             \
  do {                                                                        \
    if (s) {                                                                  \
      for (int64_t i = 0; i < len; i++) y[i] = s[i] * f(x[i]);                \
    } else {                                                                  \
      for (int64_t i = 0; i < len; i++) y[i] = f(x[i]);                       \
    }                                                                         \
  } while (0)

static inline float g0(float v) { return v * fl_cdf(v); }
static inline float g1(float v) { return fl_cdf(v) + v * fl_pdf(v); }
static inline float g2(float v) { return fl_pdf(v) * (2.0f - v * v); }
static inline float g3(float v) { return fl_pdf(v) * v * (v * v - 4.0f); }
static inline float g4(float v) { return fl_pdf(v) * (v * v * (7.0f - v * v) - 4.0f); }

FL_CLONES
void fl_gelu(const float *restrict x, const float *restrict s, float *restrict y, int64_t len, int order) {
  switch (order) {
    case 0: FL_MAP(g0); return;
    case 1: FL_MAP(g1); return;
    case 2: FL_MAP(g2); return;
    case 3: FL_MAP(g3); return;
    case 4: FL_MAP(g4); return;
    default:
      for (int64_t i = 0; i < len; i++) y[i] = (s ? s[i] : 1.0f) * fl_pdf(x[i]) * hermite_factor(x[i], order);
  }
}
