/**
 * A packet of named tensors read in ONE transfer (the tensor-read rule, src/tensor/read.ts): a flow
 * step gathers everything its table row needs (loss, ‖∇L‖², ν statistics, the projection and copy of
 * w, Σ's inputs, …) as tensors, then reads them together, alone or riding along with the substep's
 * own read of the SDCP matrices (`centralSubstep(…, extra)`).
 */
import { tf } from '../tensor/tf.js';
import { readPacked } from '../tensor/read.js';

/** Named tensors for one packed read; the packet owns (and disposes) what is put in it. */
export class Packet {
  private readonly names: string[] = [];
  private readonly list: tf.Tensor[] = [];

  /** Adds `t` under `name` (the packet takes ownership); null/undefined is skipped. */
  put(name: string, t: tf.Tensor | null | undefined): void {
    if (!t) return;
    if (this.names.includes(name)) throw new Error(`Packet: '${name}' was put twice.`);
    this.names.push(name);
    this.list.push(t);
  }

  /** The tensors, in the order `name` expects their values. */
  get tensors(): tf.Tensor[] {
    return this.list.slice();
  }

  /** Names the values read for `tensors` (same order). */
  name(values: readonly Float32Array[]): Record<string, Float32Array> {
    if (values.length !== this.list.length) throw new Error(`Packet: got ${values.length} values for ${this.list.length} tensors.`);
    return Object.fromEntries(this.names.map((n, i) => [n, values[i]]));
  }

  /** Reads every tensor in one transfer (async) and names the values. */
  async read(): Promise<Record<string, Float32Array>> {
    return this.name(await readPacked(this.list));
  }

  /** Disposes the tensors (idempotent). */
  dispose(): void {
    tf.dispose(this.list);
    this.list.length = 0;
    this.names.length = 0;
  }
}
