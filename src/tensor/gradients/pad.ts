/**
 * Gradient of mirrorPad. TF.js's MirrorPad gradient only slices the centre out of dy, dropping
 * the reflected border (wrong at first order). The exact adjoint folds each reflected border
 * back onto the entries it copies, axis by axis ('reflect' skips the edge entry, 'symmetric'
 * repeats it):
 *
 *   dx = centre(dy) + place(reverse(before(dy))) + place(reverse(after(dy)))
 *
 * built from slice/reverse/pad/add, so it is differentiable again.
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';

type T = tf.Tensor;

function along(x: T, axis: number, start: number, size: number): T {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const sizes = x.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(x, begin, sizes);
}

function padAlong(x: T, axis: number, before: number, after: number): T {
  return tf.pad(x, x.shape.map((_, i) => (i === axis ? [before, after] : [0, 0])) as [number, number][]);
}

/** Adjoint of mirrorPad(x, paddings, mode) applied to dy. */
export function mirrorPadAdjoint(dy: T, xShape: number[], paddings: [number, number][], mode: 'reflect' | 'symmetric'): T {
  const offset = mode === 'reflect' ? 1 : 0;
  let g = dy;
  xShape.forEach((L, axis) => {
    const [pb, pa] = paddings[axis];
    if (pb === 0 && pa === 0) return;
    let next = along(g, axis, pb, L);
    if (pb > 0) next = tf.add(next, padAlong(tf.reverse(along(g, axis, 0, pb), axis), axis, offset, L - offset - pb));
    if (pa > 0) next = tf.add(next, padAlong(tf.reverse(along(g, axis, pb + L, pa), axis), axis, L - offset - pa, offset));
    g = next;
  });
  return g;
}

/** Registers the mirrorPad gradient. */
export function registerPadGradients(): void {
  defineSafeGradient({
    kernelName: tf.MirrorPad,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { paddings, mode } = attrs as unknown as tf.MirrorPadAttrs;
      return { x: () => mirrorPadAdjoint(dy as T, x.shape, paddings, mode) };
    },
  });
}
