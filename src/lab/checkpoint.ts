/** Checkpoints of a training run: (w, optimizer state, step) as one JSON file. */
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { tf } from '../tensor/tf.js';
import type { Tensor1D } from '../tensor/types.js';
import type { OptState } from '../optim/types.js';
import { serializeState, deserializeState } from '../optim/state.js';

/** What a checkpoint holds. `w` and `state` are tensors the holder owns. */
export interface Checkpoint { w: Tensor1D; state: OptState; step: number }

/**
 * Writes a checkpoint as JSON (async: the state is read; atomically: a temporary file renamed over `path`).
 * @example await saveCheckpoint('run.ckpt.json', { w, state, step: 500 });
 */
export async function saveCheckpoint(path: string, { w, state, step }: Checkpoint): Promise<void> {
  if (typeof path !== 'string' || !path) throw new TypeError('saveCheckpoint: path must be a file path string.');
  const json = JSON.stringify({ format: 'flowlab-checkpoint', version: 1, step, w: Array.from(w.dataSync()), state: await serializeState(state) });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, json);
  renameSync(tmp, path);
}

/**
 * Reads a checkpoint written by saveCheckpoint (new tensors, caller owns them).
 * @example const ck = loadCheckpoint('run.ckpt.json'); await train(P, opt, { steps: 1000, resume: ck });
 */
export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new Error(`loadCheckpoint: no file at ${path}; pass the path given to train({ checkpoint: { path } }) or saveCheckpoint.`);
  let raw: { format?: string; step: number; w: number[]; state: unknown };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`loadCheckpoint: ${path} is not valid JSON (${(e as Error).message}); the file may be truncated.`);
  }
  if (raw.format !== 'flowlab-checkpoint' || !Array.isArray(raw.w) || !Number.isInteger(raw.step)) {
    throw new Error(`loadCheckpoint: ${path} is not a flowlab checkpoint (expected format "flowlab-checkpoint" with w, state, step).`);
  }
  return { w: tf.tensor1d(raw.w), state: deserializeState<OptState>(raw.state), step: raw.step };
}
