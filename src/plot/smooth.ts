/**
 * Gaussian kernel smoothing (Nadaraya–Watson) of a series sampled at x:
 *   ŷ(xᵢ) = Σⱼ K(xᵢ − xⱼ) yⱼ / Σⱼ K(xᵢ − xⱼ),  K(d) = exp(−d² / 2σ²),
 * over the points with finite y, truncated at |d| ≤ 4σ. Central-flow papers compare the predicted
 * X with the Gaussian-smoothed squared displacement (Cohen et al. 2025, arXiv:2410.24206).
 * @example gaussianSmooth([0, 1, 2], [0, 3, 0], 1)   // ≈ [1.045, 1.356, 1.045]
 */
export function gaussianSmooth(x: ReadonlyArray<number | null>, y: ReadonlyArray<number | null>, sigma: number): (number | null)[] {
  if (!(sigma > 0)) throw new Error(`gaussianSmooth: \`sigma\` must be a positive number of x units; got ${sigma}.`);
  if (x.length !== y.length) throw new Error(`gaussianSmooth: x and y must have the same length; got ${x.length} and ${y.length}.`);
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    if (xi !== null && yi !== null && Number.isFinite(xi) && Number.isFinite(yi)) pts.push([xi, yi]);
  }
  pts.sort((a, b) => a[0] - b[0]);
  const reach = 4 * sigma;
  return x.map((xi) => {
    if (xi === null || !Number.isFinite(xi) || pts.length === 0) return null;
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pts[mid][0] < xi - reach) lo = mid + 1; else hi = mid; }
    let num = 0;
    let den = 0;
    for (let j = lo; j < pts.length && pts[j][0] <= xi + reach; j++) {
      const d = pts[j][0] - xi;
      const k = Math.exp(-(d * d) / (2 * sigma * sigma));
      num += k * pts[j][1];
      den += k;
    }
    return den > 0 ? num / den : null;
  });
}
