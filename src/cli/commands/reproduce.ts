/** `flowlab reproduce NAME|all`: runs reproduction notebooks and writes an HTML report. */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseOptions, UsageError } from '../args.js';
import type { Command } from '../registry.js';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run reproduction notebooks (paper figures + checked claims) and write an HTML report',
  usage: [
    'flowlab reproduce NAME|all [--scale quick|paper] [--backend B] [--out DIR] [-p key=value ...] [--list]',
    '',
    '  NAME             a reproduction (see --list), or all',
    '  --scale S        quick (minutes on a CPU; default, or $FLOWLAB_SCALE) or paper (paper sizes)',
    '  --backend B      wasm (default, or $FLOWLAB_BACKEND), cpu, webgpu, tensorflow or auto',
    '  --out DIR        output folder (default out/): DIR/report.html, DIR/NAME/NAME.ipynb, figures',
    '  -p key=value     extra parameters injected into every notebook',
    '  --list           list the reproductions and exit',
    '',
    'Long loops (training, flows) show a progress line with steps done/total, elapsed time and ETA on',
    'stderr while the notebooks run (FLOWLAB_PROGRESS=stderr; set FLOWLAB_PROGRESS=off to silence it).',
    'Exit code 1 when a notebook fails or prints a FAIL claim.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      scale: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      parameter: { type: 'string', short: 'p', multiple: true },
      list: { type: 'boolean' },
    }, { positionals: true });
    const { listReproductions, getReproduction, notebooksDir } = await import('../reproductions.js');
    if (values.list) {
      for (const r of listReproductions()) console.log(`${r.name.padEnd(20)} notebooks/${r.file}  (${r.paper})`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one NAME or 'all' (known: ${listReproductions().map((r) => r.name).join(', ')}).`);
    const scale = values.scale ?? process.env.FLOWLAB_SCALE ?? 'quick';
    if (scale !== 'quick' && scale !== 'paper') throw new UsageError(`--scale must be 'quick' or 'paper', got '${scale}'.`);
    const backendName = values.backend ?? process.env.FLOWLAB_BACKEND;
    const known = ['auto', 'wasm', 'cpu', 'webgpu', 'tensorflow'];
    if (backendName !== undefined && !known.includes(backendName)) throw new UsageError(`--backend must be one of ${known.join(', ')}, got '${backendName}'.`);
    if (values.backend) process.env.FLOWLAB_BACKEND = values.backend; // the default backend of every notebook run in process
    process.env.FLOWLAB_PROGRESS ??= 'stderr';
    if (backendName) {
      const { backend } = await import('../../tensor/index.js');
      const info = await backend.use(backendName as 'auto');
      console.log(`backend: ${info.name} (${info.device})`);
    }
    const chosen = positionals[0] === 'all' ? listReproductions().filter((r) => existsSync(join(notebooksDir(), r.file))) : [getReproduction(positionals[0]!)];
    const { parseParameters, executeNotebook } = await import('../notebook-run.js');
    const { reportHtml } = await import('../../lab/report.js');
    const parameters = { ...parseParameters(values.parameter), scale };
    const outDir = resolve(values.out ?? 'out');
    const started = new Date();
    const entries = [];
    for (const r of chosen) {
      const file = join(notebooksDir(), r.file);
      if (!existsSync(file)) throw new Error(`reproduce: notebook file ${file} is missing; reinstall flowlab or pick another NAME.`);
      console.log(`== ${r.name} (${scale}) ==`);
      const run = await executeNotebook(file, { outDir: join(outDir, r.name), parameters, name: r.name });
      for (const c of run.claims) console.log(`${c.status}: ${c.text}`);
      for (const e of run.errors) console.error(`error in ${e}`);
      if (!run.claims.length) console.error(`${r.name}: no PASS/FAIL claim was printed`);
      console.log(`   ${run.seconds.toFixed(1)} s, ${run.figures.length} figure(s)`);
      entries.push({
        name: r.name, notebook: `notebooks/${r.file}`, title: run.title, seconds: run.seconds, claims: run.claims,
        figures: run.figures, errors: run.errors, executed: relative(outDir, run.executedPath),
      });
    }
    const { backend } = await import('../../tensor/index.js');
    const info = backend.info();
    const html = reportHtml(entries, { scale, backend: `${info.name} (${info.device}, ${info.precision})`, started });
    const reportPath = join(outDir, 'report.html');
    writeFileSync(reportPath, html);
    const ok = entries.every((e) => e.errors.length === 0 && e.claims.length > 0 && e.claims.every((c) => c.status === 'PASS'));
    console.log(`${ok ? 'all claims PASS' : 'some claims FAIL or notebooks failed'}; report: ${reportPath}`);
    return ok ? 0 : 1;
  },
};
