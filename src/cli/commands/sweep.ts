/**
 * `flowlab sweep NOTEBOOK --grid ...`: a parameter sweep over local kernels, remote Jupyter servers,
 * or named servers it starts on a JupyterHub (and stops at the end, on error or Ctrl-C too).
 */
import { parseOptions, UsageError } from '../args.js';
import type { Command } from '../registry.js';

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'.`);
  return n;
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a notebook over a parameter grid, locally or on Jupyter servers; collect its results',
  usage: [
    "flowlab sweep NOTEBOOK --grid 'lr=[0.01,0.02,0.04]' [--grid 'optimizer=[\"adam\",\"lion\"]'] [--seeds N]",
    '              [--local K | --servers URL,... --token T | --hub URL --token T [--servers N] [--hub-user NAME]]',
    '              [--per-server K] [--retries R]',
    '              [--timeout SECONDS] [--out DIR] [--quiet]',
    '',
    "  --grid name=[v,...]  values of a parameter declared in the notebook's `parameters` cell",
    '                       (repeat for more; runs = the cartesian product)',
    '  --seeds N            also sweep `seed` over 0..N-1 (the notebook must declare `seed`)',
    '  --local K            K concurrent local runs (default 1 without --servers/--hub)',
    '  --servers URL,...    Jupyter server base URLs (each needs the flowlab kernelspec)',
    '  --token T            the servers\' token (or T1,T2,... one per server), or the Hub\'s',
    '  --hub URL            a JupyterHub (allow_named_servers): start N named servers there (--servers N,',
    '                       default 2), run on them through its proxy, stop them at the end',
    '  --hub-user NAME      the Hub user owning those servers (default: the token\'s user;',
    "                       'flowlab-sweep' for a service token)",
    '  --per-server K       kernels at a time per server (default 1)',
    '  --retries R          retries of a run whose kernel/server failed (default 2)',
    '  --timeout SECONDS    per-run time limit (default 1800)',
    '  --out DIR            results.csv, results.arrow, runs.jsonl and the executed notebooks',
    '                       (default sweep-<notebook name>); re-running with the same DIR resumes',
    '',
    'The notebook hands back its result with `fl.lab.result(table)`. Exit code 1 when a run failed.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      grid: { type: 'string', multiple: true },
      seeds: { type: 'string' },
      local: { type: 'string' },
      servers: { type: 'string' },
      token: { type: 'string' },
      hub: { type: 'string' },
      'hub-user': { type: 'string' },
      'per-server': { type: 'string' },
      retries: { type: 'string' },
      timeout: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
    }, { positionals: true });
    if (positionals.length !== 1) throw new UsageError(`expected exactly one NOTEBOOK (an .ipynb path), got ${positionals.length}.`);
    if (!values.grid?.length) throw new UsageError("give at least one --grid, e.g. --grid 'lr=[0.01,0.02]'.");
    const { parseGridArg } = await import('../../lab/sweep-grid.js');
    const grid: Record<string, unknown[]> = {};
    for (const g of values.grid) {
      let name: string, vals: unknown[];
      try { [name, vals] = parseGridArg(g); } catch (e) { throw new UsageError((e as Error).message); }
      if (name in grid) throw new UsageError(`--grid ${name} given twice; list all its values in one --grid.`);
      grid[name] = vals;
    }
    let hub: { url: string; token: string; servers?: number; user?: string } | undefined;
    if (values.hub !== undefined) {
      if (!values.token) throw new UsageError('--hub needs --token T: a token of the Hub (your own from <hub>/hub/token, or an admin/service token).');
      if (values.servers !== undefined && !/^[1-9]\d*$/.test(values.servers)) throw new UsageError(`with --hub, --servers is the number of named servers to start, got '${values.servers}'.`);
      hub = { url: values.hub, token: values.token, servers: values.servers === undefined ? undefined : Number(values.servers), user: values['hub-user'] };
    } else if (values['hub-user'] !== undefined) throw new UsageError('--hub-user goes with --hub URL.');
    const servers = !hub && values.servers ? values.servers.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const tokens = hub ? undefined : values.token?.includes(',') ? values.token.split(',') : values.token;
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'.`);
    console.debug = () => undefined; // @jupyterlab/services logs every WebSocket it opens
    const { sweep } = await import('../../lab/sweep.js');
    // Ctrl-C (or SIGTERM) aborts the sweep, which stops its runs and the Hub servers it started; a second one exits at once.
    const ctl = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (ctl.signal.aborted) process.exit(130);
      console.error(`\nflowlab sweep: ${sig}: stopping the runs${hub ? ' and the Hub servers' : ''} (again to quit at once)...`);
      ctl.abort(new Error(`interrupted (${sig}); finished runs are kept in runs.jsonl, re-run the same command to resume`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const r = await sweep({
      notebook: positionals[0]!, grid, servers, token: tokens, hub, signal: ctl.signal,
      seeds: positiveInt('seeds', values.seeds), local: positiveInt('local', values.local),
      perServer: positiveInt('per-server', values['per-server']), retries: positiveInt('retries', values.retries),
      timeout, out: values.out, quiet: values.quiet,
    }).catch((e: Error) => {
      if (ctl.signal.aborted) { console.error(`flowlab sweep: ${(ctl.signal.reason as Error).message}`); return 130; }
      throw new Error(e.message.replace(/^sweep: /, '')); // main prefixes 'flowlab sweep:'
    }).finally(() => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); });
    if (typeof r === 'number') return r;
    console.log(`${r.counts.total} runs: ${r.counts.skipped} resumed, ${r.counts.executed} executed, ${r.counts.retried} retried, ${r.counts.failed} failed`);
    console.log(`wrote ${r.csvPath}${r.arrowPath ? ` and ${r.arrowPath}` : ''} (${r.table.numRows()} rows) and the executed notebooks in ${r.dir}`);
    return r.failed.length ? 1 : 0;
  },
};
