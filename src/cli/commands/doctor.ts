/** `flowlab doctor`: reports every backend and tool flowlab can use, why not, and what to install. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from '../args.js';
import type { Command } from '../registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
const cliPath = join(here, '..', 'main.js');

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check backends (wasm, cpu, tensorflow, webgpu), the native OpenBLAS path, Jupyter, Chromium and data',
  usage: [
    'flowlab doctor [--json] [--build-native]',
    '',
    '  --json           print the report as JSON (one object per check)',
    '  --build-native   (re)build the native OpenBLAS addon first (needs a C compiler and libopenblas-dev)',
    '',
    'Exit code 0 when the default set-up works (node, wasm backend) and a requested build succeeded; 1 otherwise.',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, { json: { type: 'boolean' }, 'probe-backend': { type: 'string' }, 'build-native': { type: 'boolean' } });
    const checks = await import('../doctor/checks.js');
    if (values['probe-backend']) {
      await checks.probeBackend(values['probe-backend']);
      return 0;
    }
    const built = values['build-native'] ? checks.buildNative(repoRoot) : 0;
    const rows = [checks.checkNode(), ...checks.checkBackends(cliPath), checks.checkNative(repoRoot), ...checks.checkJupyter(), checks.checkBrowser(), ...checks.checkData(repoRoot)];
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else {
      for (const r of rows) {
        console.log(`${r.ok ? 'ok  ' : 'no  '} ${`${r.area}/${r.name}`.padEnd(26)} ${r.detail}`);
        if (!r.ok && r.fix) console.log(`     ${''.padEnd(26)} → ${r.fix}`);
      }
    }
    const essential = rows.filter((r) => r.area === 'node' || (r.area === 'backend' && r.name === 'wasm'));
    return essential.every((r) => r.ok) && built === 0 ? 0 : 1;
  },
};
