/** `flowlab kernel --connection-file F`: the kernelspec's entry point (runs until shutdown). */
import { CONNECTION_FILE_REQUIRED } from '../../../kernel/protocol/spawn-worker.cjs';
import { parseOptions, UsageError } from '../args.js';
import type { Command } from '../registry.js';

export const kernelCommand: Command = {
  name: 'kernel',
  summary: 'run the Jupyter kernel (started by Jupyter through the kernelspec)',
  usage: [
    'flowlab kernel --connection-file FILE',
    '',
    '  --connection-file, -f FILE   the connection file written by the Jupyter client',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, { 'connection-file': { type: 'string', short: 'f' } });
    const file = values['connection-file'];
    if (!file) throw new UsageError(CONNECTION_FILE_REQUIRED);
    const { startKernel } = await import('../../../kernel/main.js');
    await startKernel(file);
    return new Promise<number>(() => undefined); // runs until shutdown_request exits the process
  },
};
