/**
 * The webgpu job's notebooks (run by `npm run test:webgpu`, skipped elsewhere): the quickstart and
 * the central flow of RMSProp (the cheapest flow notebook: ~1 min on wasm) at quick scale, executed in process by `flowlab reproduce` on
 * webgpu. Each must run without a cell error, print its backend as webgpu, and end in PASS claims
 * (the claims compare the numbers just computed with the paper's predictions, as on wasm).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { reproduceCommand } from '../../src/cli/commands/reproduce.js';
import { notebookClaims } from '../../src/lab/report.js';
import { onWebgpu } from '../backends.js';

for (const [name, scale] of [['quickstart', 'quick'], ['central-flow-rmsprop', 'quick']] as const) {
  test(`${name} (${scale}) runs on webgpu: no cell error, every claim PASSes`, { skip: !onWebgpu() && 'webgpu job only (npm run test:webgpu)', timeout: 20 * 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'flowlab-webgpu-nb-'));
    try {
      const code = await reproduceCommand.run([name, '--scale', scale, '--out', out]);
      const nb = JSON.parse(readFileSync(join(out, name, `${name}.ipynb`), 'utf8'));
      const outputs = nb.cells.flatMap((c: { outputs?: Array<{ output_type: string; evalue?: string; text?: string | string[] }> }) => c.outputs ?? []);
      assert.deepEqual(outputs.filter((o: { output_type: string }) => o.output_type === 'error').map((o: { evalue?: string }) => o.evalue), [], `${name}: cell errors`);
      const claims = notebookClaims(nb);
      assert.ok(claims.length > 0, `${name}: no claim printed`);
      assert.deepEqual(claims.filter((c) => c.status === 'FAIL').map((c) => c.text), [], `${name}: FAILed claims`);
      assert.equal(code, 0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
