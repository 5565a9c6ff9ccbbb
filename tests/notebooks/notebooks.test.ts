/**
 * The reproduction notebooks, executed at quick scale two ways at once (one per core): in process
 * through `flowlab reproduce all` (the same path as `flowlab run`), and with nbclient on the real
 * `flowlab` kernel. A notebook
 * fails the suite on any cell error, any `FAIL:` claim, or no claim at all; each claim compares
 * the numbers the notebook just computed with the paper's prediction (2/η, the central flow,
 * closed forms), never with stored outputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jupyterEnv, repoRoot, runProcess } from '../kernel/helpers.js';
import { reproduceCommand } from '../../src/cli/commands/reproduce.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { listReproductions } from '../../src/cli/reproductions.js';
import { notebookClaims, notebookFigures } from '../../src/lab/report.js';

const root = repoRoot();
const nbDir = join(root, 'notebooks');
/** Minutes the quick-scale notebooks may take, each way (they take about a third of it). */
const BUDGET_MIN = 25;

test('every notebook is generated from its source in notebooks/src (build.mjs --check)', () => {
  const r = spawnSync(process.execPath, [join(nbDir, 'src', 'build.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const f of readdirSync(join(nbDir, 'src')).filter((f) => f.endsWith('.ts'))) {
    const nb = JSON.parse(readFileSync(join(nbDir, f.replace(/\.ts$/, '.ipynb')), 'utf8'));
    const tagged = nb.cells.filter((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes('parameters'));
    assert.equal(tagged.length, 1, `${f}: exactly one cell tagged parameters`);
    assert.match(tagged[0].source, /let scale\b.*FLOWLAB_SCALE/s, `${f}: the parameters cell reads FLOWLAB_SCALE`);
    assert.equal(nb.cells[0].cell_type, 'markdown', `${f}: opens with the paper's claim in markdown`);
  }
});

test('every notebook at quick scale, in process (flowlab reproduce all) and with nbclient on the flowlab kernel: no error, every claim PASSes', { timeout: BUDGET_MIN * 60_000 + 60_000 }, async () => {
  const registered = listReproductions().map((r) => r.file);
  const files = readdirSync(nbDir).filter((f) => f.endsWith('.ipynb')).sort();
  assert.deepEqual(files.filter((f) => !registered.includes(f)), [], 'every notebook in notebooks/ is registered in src/cli/reproductions.ts');
  const j = jupyterEnv();
  const out = mkdtempSync(join(tmpdir(), 'flowlab-reproduce-'));
  try {
    // Both legs start now and run side by side; each is checked once both are done.
    const nbclient = runProcess('/usr/bin/python3', [join(root, 'tests', 'notebooks', 'nbclient_run.py'), ...files.map((f) => join(nbDir, f))],
      { env: { ...j.env, FLOWLAB_SCALE: 'quick' }, timeoutMs: BUDGET_MIN * 60_000 });
    const code = await reproduceCommand.run(['all', '--scale', 'quick', '--out', out]);
    checkReport(out, code ?? 0);
    const r = await nbclient;
    process.stdout.write(`--- nbclient (exit ${r.code}) ---\n${r.stdout}\n${r.stderr.slice(-3000)}\n`);
    assert.equal(r.code, 0, 'nbclient run failed (output above)');
    for (const f of files) assert.match(r.stdout, new RegExp(`${f}: PASS:`), `${f}: nbclient saw a PASS claim`);
    assert.doesNotMatch(r.stdout, /FAIL:|error TS\d+/);
  } finally {
    j.dispose();
    rmSync(out, { recursive: true, force: true });
  }
});

/** The in-process leg: every notebook's executed copy, claims and figures, and the HTML report. */
function checkReport(out: string, code: number): void {
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const names = listReproductions().filter((r) => existsSync(join(nbDir, r.file))).map((r) => r.name);
  assert.ok(names.includes('central-flow-gd') && names.includes('quickstart'));
  for (const name of names) {
    const nb = JSON.parse(readFileSync(join(out, name, `${name}.ipynb`), 'utf8'));
    const errors = nb.cells.flatMap((c: { outputs?: Array<{ output_type: string; evalue?: string }> }) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => o.evalue));
    assert.deepEqual(errors, [], `${name}: cell errors`);
    const typeErrors = JSON.stringify(nb).match(/error TS\d+[^"\\]*/g) ?? [];
    assert.deepEqual(typeErrors, [], `${name}: type errors reported by the kernel`);
    const claims = notebookClaims(nb);
    assert.ok(claims.length > 0, `${name}: no PASS/FAIL claim printed`);
    assert.deepEqual(claims.filter((c) => c.status === 'FAIL').map((c) => c.text), [], `${name}: FAILed claims`);
    assert.ok(readdirSync(join(out, name)).some((f) => /-fig1\.html$/.test(f)), `${name}: figure 1 written as .html`);
    assert.match(html, new RegExp(`<section id="${name}">`), `${name}: section in the report`);
    for (const c of claims) {
      const text = c.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      assert.ok(html.includes(`<span class="pass">PASS</span>: ${text}`), `report lacks claim: ${text}`);
    }
    assert.equal((html.match(new RegExp(`id="fig-${name}-\\d+"`, 'g')) ?? []).length, notebookFigures(nb).length, `${name}: every figure in the report`);
  }
  assert.match(html, /backend: <b>\w+/);
  assert.equal(code, 0);
}

test('flowlab run: exit code 1 on a FAIL claim and on a cell error; -p values reach the notebook', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-run-'));
  try {
    const cell = (source: string, tags: string[] = []) => ({ cell_type: 'code', metadata: { tags }, source, outputs: [], execution_count: null });
    const write = (name: string, cells: unknown[]) => { const p = join(dir, name); writeFileSync(p, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells })); return p; };
    const claim = write('claim.ipynb', [cell('let k = 1;', ['parameters']), cell('console.log(k === 3 ? "PASS: k is 3" : "FAIL: k is " + k);')]);
    const claimsOf = (sub: string, name: string) => notebookClaims(JSON.parse(readFileSync(join(dir, sub, name), 'utf8')));
    assert.equal(await runCommand.run([claim, '--out', join(dir, 'a')]), 1, 'a FAIL claim exits 1');
    assert.deepEqual(claimsOf('a', 'claim.ipynb').map((c) => `${c.status}: ${c.text}`), ['FAIL: k is 1']);
    assert.equal(await runCommand.run([claim, '-p', 'k=3', '--out', join(dir, 'b')]), 0, '-p k=3 makes the claim pass');
    assert.deepEqual(claimsOf('b', 'claim.ipynb').map((c) => `${c.status}: ${c.text}`), ['PASS: k is 3']);
    const broken = write('broken.ipynb', [cell('throw new Error("boom");'), cell('console.log("PASS: never")')]);
    assert.equal(await runCommand.run([broken, '--out', join(dir, 'c')]), 1, 'a cell error exits 1');
    assert.deepEqual(claimsOf('c', 'broken.ipynb'), [], 'execution stops at the failing cell');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
