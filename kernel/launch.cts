/**
 * The kernelspec's entry point (kernel.json): `node <flowlab>/dist/kernel/launch.cjs
 * --connection-file FILE`. It does what `flowlab kernel --connection-file FILE` does, and binds
 * the sockets ~15 ms sooner: it is CommonJS and starts the protocol worker on its first line, so
 * the worker boots while the ES modules of the kernel load instead of after them (the ES module
 * loader alone costs ~6 ms before a first line, the CLI's module graph another ~5–10). Jupyter
 * clients connect before a kernel binds and reach it only at their next reconnect attempt, so
 * binding before that attempt decides whether the first cell's output is live ~125 or ~270 ms
 * after start (measured with jupyter_client here: see bench/kernel.ts).
 *
 * Exit codes as the CLI's: 2 for a usage error, 1 when the kernel cannot start.
 */
import { parseArgs } from 'node:util';
import { CONNECTION_FILE_REQUIRED, spawnProtocolWorker } from './protocol/spawn-worker.cjs';

const USAGE = 'Usage: node launch.cjs --connection-file FILE   (the same as `flowlab kernel --connection-file FILE`)';

function fail(message: string, code: number): never {
  process.stderr.write(`flowlab kernel: ${message}\n`);
  process.exit(code);
}

function connectionFileArg(): string {
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { 'connection-file': { type: 'string', short: 'f' } } });
    if (values['connection-file']) return values['connection-file'];
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`, 2);
  }
  return fail(`${CONNECTION_FILE_REQUIRED}\n\n${USAGE}`, 2);
}

process.on('SIGINT', () => undefined); // an interrupt before the kernel loads has no cell to stop
const connectionFile = connectionFileArg();
const protocol = spawnProtocolWorker(connectionFile);
import('./main.js')
  .then(({ startKernel }) => startKernel(connectionFile, { protocol }))
  .catch((err: Error) => fail(err.message, 1));
