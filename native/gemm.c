/*
 * Matrix products through OpenBLAS's cblas_sgemm. The BLAS prototypes are declared here rather
 * than taken from a cblas.h, so the addon builds against any OpenBLAS that has a shared library
 * (Debian's libopenblas-dev, conda's openblas, a distribution's libopenblas0 alone).
 */
#include <string.h>
#include "kernels.h"

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_parallel(void); /* 0: a sequential build */

/*
 * Products under SMALL multiply-adds run on one thread: waking OpenBLAS's other threads costs more
 * than they save there, and on a loaded machine far more (measured on 2 busy cores: 1000×4×256 took
 * 1.2–1.9 ms on 2 threads against 0.1–0.14 ms on 1). Switching the count is a store (~10 ns).
 */
#define SMALL (1 << 22)

static int configured = 0; /* threads asked for by fl_set_threads (0: OpenBLAS's own default) */

void fl_gemm(const float *a, const float *b, float *c, int32_t batch, int32_t m, int32_t n, int32_t k,
             int transA, int transB, const int32_t *aOff, const int32_t *bOff) {
  if (m == 0 || n == 0) return;
  int narrow = configured > 1 && (double)m * n * k < SMALL;
  if (narrow) openblas_set_num_threads(1);
  if (k == 0) {
    memset(c, 0, sizeof(float) * (size_t)batch * (size_t)m * (size_t)n);
    if (narrow) openblas_set_num_threads(configured);
    return;
  }
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  for (int32_t i = 0; i < batch; i++) {
    cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, 1.0f,
                a + aOff[i], lda, b + bOff[i], ldb, 0.0f, c + (size_t)i * (size_t)m * (size_t)n, n);
  }
  if (narrow) openblas_set_num_threads(configured);
}

void fl_set_threads(int n) {
  configured = n;
  openblas_set_num_threads(n);
}
int fl_get_threads(void) {
  if (openblas_get_parallel() == 0) return 1;
  return configured > 0 ? configured : openblas_get_num_threads();
}
const char *fl_blas_config(void) { return openblas_get_config(); }
const char *fl_blas_core(void) { return openblas_get_corename(); }
