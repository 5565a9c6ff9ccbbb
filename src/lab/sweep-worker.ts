/**
 * Child-process entry of a local sweep run: `node sweep-worker.js JOB.json`, where the JSON holds
 * `{ input, output, parameters, cwd, typecheck }`. Executes the notebook in process with the
 * flowlab engine (kernel/notebook/run.ts), writes the executed notebook to `output`, prints one
 * JSON line `{"errors": [...]}` and exits 0; exit code 3 means the runner itself failed.
 */
import { readFileSync } from 'node:fs';

interface WorkerJob { input: string; output: string; parameters: Record<string, unknown>; cwd: string; typecheck: 'wait' | 'async' | 'off' }

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerJob;
  const { runNotebook } = await import('../../kernel/notebook/run.js');
  const { errors } = await runNotebook(job.input, { outputPath: job.output, parameters: job.parameters, cwd: job.cwd, typecheck: job.typecheck });
  process.stdout.write(`\n${JSON.stringify({ errors: errors.map((e) => `cell ${e.cell}: ${e.ename}: ${e.evalue}`) })}\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`sweep worker: ${err?.stack ?? err}\n`);
    process.exit(3);
  },
);
