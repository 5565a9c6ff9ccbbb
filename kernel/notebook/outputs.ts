/**
 * Turns engine events and replies into nbformat 4 outputs, the way Jupyter front ends do:
 * consecutive stream text merges, update_display_data replaces every output with that display id
 * (in any cell), clear_output clears now or (wait) when the next output arrives.
 */
import type { EngineEvent, MimeBundle } from '../contract.js';

/** One nbformat 4 output. */
export type NbOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; execution_count: number; data: MimeBundle; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** Collects the outputs of the cells of one notebook run. */
export class OutputCollector {
  private byParent = new Map<number, { outputs: NbOutput[]; pendingClear: boolean }>();
  private displays = new Map<string, Array<{ outputs: NbOutput[]; item: NbOutput }>>();

  /** Starts collecting for request `parent` into `outputs` (a cell's outputs array). */
  open(parent: number, outputs: NbOutput[]): void {
    this.byParent.set(parent, { outputs, pendingClear: false });
  }

  /** Adds an output to a request's cell (honouring a pending clear_output(wait)). */
  push(parent: number, out: NbOutput): void {
    const cell = this.byParent.get(parent);
    if (!cell) return;
    if (cell.pendingClear) { cell.outputs.length = 0; cell.pendingClear = false; }
    const last = cell.outputs[cell.outputs.length - 1];
    if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) last.text += out.text;
    else cell.outputs.push(out);
  }

  /** Applies one engine event. */
  event(e: EngineEvent): void {
    const cell = this.byParent.get(e.parent);
    switch (e.kind) {
      case 'stream': this.push(e.parent, { output_type: 'stream', name: e.name, text: e.text }); break;
      case 'error': this.push(e.parent, { output_type: 'error', ename: e.ename, evalue: e.evalue, traceback: e.traceback }); break;
      case 'clearOutput':
        if (!cell) break;
        if (e.wait) cell.pendingClear = true; else cell.outputs.length = 0;
        break;
      case 'display': {
        if (e.update) {
          for (const { item } of this.displays.get(e.displayId ?? '') ?? []) {
            if (item.output_type === 'display_data' || item.output_type === 'execute_result') { item.data = e.data; item.metadata = e.metadata; }
          }
          break;
        }
        const item: NbOutput = { output_type: 'display_data', data: e.data, metadata: e.metadata };
        this.push(e.parent, item);
        if (e.displayId && cell) this.displays.set(e.displayId, [...(this.displays.get(e.displayId) ?? []), { outputs: cell.outputs, item }]);
        break;
      }
      default: break;
    }
  }
}
