/**
 * IOPub messages → nbformat 4 outputs, the way Jupyter front ends apply them: consecutive stream
 * text merges, update_display_data rewrites every output with that display id, clear_output
 * clears now or (wait) at the next output.
 */
import type { KernelMessage } from '@jupyterlab/services';

/** One nbformat 4 output. */
export type CellOutput = Record<string, unknown> & { output_type: string };

/** Collects IOPub output of the cells of one notebook execution. */
export class IopubCollector {
  private pendingClear = false;
  private displays = new Map<string, CellOutput[]>();
  private outputs: CellOutput[] = [];

  /** Starts collecting into a new cell's outputs array. */
  open(outputs: CellOutput[]): void {
    this.outputs = outputs;
    this.pendingClear = false;
  }

  private push(out: CellOutput): void {
    if (this.pendingClear) { this.outputs.length = 0; this.pendingClear = false; }
    const last = this.outputs[this.outputs.length - 1];
    if (out.output_type === 'stream' && last?.output_type === 'stream' && last.name === out.name) last.text = String(last.text) + String(out.text);
    else this.outputs.push(out);
  }

  /** Applies one IOPub message of the current cell. */
  message(msg: KernelMessage.IIOPubMessage): void {
    const c = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case 'stream': this.push({ output_type: 'stream', name: c.name as string, text: c.text as string }); break;
      case 'error': this.push({ output_type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback }); break;
      case 'execute_result': this.push({ output_type: 'execute_result', execution_count: c.execution_count, data: c.data, metadata: c.metadata ?? {} }); break;
      case 'display_data': {
        const out: CellOutput = { output_type: 'display_data', data: c.data, metadata: c.metadata ?? {} };
        this.push(out);
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
        break;
      }
      case 'update_display_data': {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        for (const out of this.displays.get(id ?? '') ?? []) { out.data = c.data; out.metadata = c.metadata ?? {}; }
        break;
      }
      case 'clear_output':
        if (c.wait) this.pendingClear = true; else this.outputs.length = 0;
        break;
      default: break;
    }
  }
}
