/** `flowlab run NOTEBOOK`: executes a notebook headlessly (in process, or on a Jupyter server) and writes it and its figures. */
import { parseOptions, UsageError } from '../args.js';
import type { Command } from '../registry.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'execute a notebook headlessly; write the executed .ipynb and its figures (.html)',
  usage: [
    'flowlab run NOTEBOOK [-p key=value ...] [--out DIR] [--timeout SECONDS] [--server URL --token T]',
    '',
    '  -p, --parameter key=value  value injected after the cell tagged `parameters` (JSON if it',
    '                             parses, else a string), e.g. -p scale=paper -p steps=200',
    '  --out DIR                  where to write NOTEBOOK.ipynb (executed) and NOTEBOOK-figN.html',
    '                             (default: out/ in the current folder)',
    '  --timeout SECONDS          interrupt a cell that runs longer (default: no limit)',
    '  --server URL               run on this Jupyter server\'s `flowlab` kernel (through',
    '                             @jupyterlab/services) instead of in process; the kernelspec',
    '                             must be installed there (`flowlab install --user`)',
    '  --token T                  that server\'s token (default: $JUPYTER_TOKEN)',
    '',
    'Default: in process with the flowlab engine (no Jupyter needed). Exit code 1 when a cell',
    'fails or a claim line `FAIL: ...` was printed.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      parameter: { type: 'string', short: 'p', multiple: true },
      out: { type: 'string' },
      timeout: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
    }, { positionals: true });
    if (positionals.length !== 1) throw new UsageError(`expected exactly one NOTEBOOK (an .ipynb path), got ${positionals.length}.`);
    if (values.token !== undefined && values.server === undefined) throw new UsageError('--token needs --server URL (the Jupyter server the token belongs to).');
    const token = values.token ?? process.env.JUPYTER_TOKEN;
    if (values.server !== undefined && token === undefined) throw new UsageError(`--server ${values.server} needs --token T (or JUPYTER_TOKEN); \`jupyter server list\` on the server shows it.`);
    const server = values.server === undefined ? undefined : { url: values.server, token: token! };
    if (server) (await import('../../remote/server.js')).normalizeUrl(server.url); // a bad URL is a usage error, before any work
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'.`);
    const { parseParameters, executeNotebook } = await import('../notebook-run.js');
    const parameters = parseParameters(values.parameter);
    const r = await executeNotebook(positionals[0]!, { outDir: values.out ?? 'out', parameters, timeoutPerCell: timeout, server });
    for (const c of r.claims) console.log(`${c.status}: ${c.text}`);
    for (const e of r.errors) console.error(`error in ${e}`);
    console.log(`wrote ${r.executedPath}${r.figurePaths.length ? ` and ${r.figurePaths.length} figure(s)` : ''} in ${r.seconds.toFixed(1)} s`);
    return r.errors.length || r.claims.some((c) => c.status === 'FAIL') ? 1 : 0;
  },
};
