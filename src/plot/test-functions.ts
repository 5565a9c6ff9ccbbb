/**
 * Two-dimensional optimizer test functions with their usual plotting box, start and minimum
 * (as in the optimizer-visualisation galleries of jettify/pytorch-optimizer; references.md §5).
 */

/** A named 2-D test function. */
export interface TestFunction {
  name: string;
  /** f(x, y). */
  f: (x: number, y: number) => number;
  /** Plotting box [[xmin, xmax], [ymin, ymax]]. */
  range: [[number, number], [number, number]];
  /** Conventional start point. */
  start: [number, number];
  /** Global minimiser. */
  minimum: [number, number];
}

/** Rosenbrock (1960): f = (1 − x)² + 100 (y − x²)², minimum f(1, 1) = 0, start (−2, 2). */
export const rosenbrock: TestFunction = Object.freeze({
  name: 'rosenbrock',
  f: (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  range: [[-2.5, 2.5], [-1.5, 3.5]] as [[number, number], [number, number]],
  start: [-2, 2] as [number, number],
  minimum: [1, 1] as [number, number],
});

/** Rastrigin (1974), 2-D: f = 20 + Σ (xᵢ² − 10 cos 2πxᵢ), minimum f(0, 0) = 0, start (−2, 3.5). */
export const rastrigin: TestFunction = Object.freeze({
  name: 'rastrigin',
  f: (x: number, y: number) => 20 + (x * x - 10 * Math.cos(2 * Math.PI * x)) + (y * y - 10 * Math.cos(2 * Math.PI * y)),
  range: [[-4.5, 4.5], [-4.5, 4.5]] as [[number, number], [number, number]],
  start: [-2, 3.5] as [number, number],
  minimum: [0, 0] as [number, number],
});

const FUNCTIONS = new Map<string, TestFunction>([['rosenbrock', rosenbrock], ['rastrigin', rastrigin]]);

/**
 * Looks up a named test function; unknown names get an error listing the known ones.
 * @example testFunction('rosenbrock').f(1, 1)   // 0
 */
export function testFunction(name: string): TestFunction {
  const f = FUNCTIONS.get(name);
  if (!f) throw new Error(`plot.optimizerRace: unknown test function '${name}'. Known: ${[...FUNCTIONS.keys()].join(', ')}; or pass a function (x, y) => number with { range }.`);
  return f;
}
