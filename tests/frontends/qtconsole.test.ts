/**
 * `jupyter qtconsole --kernel flowlab` (Debian's jupyter-qtconsole, PyQt5) under Xvfb, driven
 * through Qt key events by tests/frontends/qtconsole_drive.py: what the console shows after a
 * cell, an error and a Tab completion, the figure it draws (flowlab's static PNG, as the
 * console cannot run the figure's script), and a second client on the console's connection file
 * reading a variable the console's cell defined. Screenshot: tests/output/frontends/qtconsole.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, runProcess } from '../kernel/helpers.js';
import { outputDir } from '../plot/helpers.js';
import { assertTools, commandMissing, frontendEnv, pythonModuleMissing, skipWithout, type FrontendEnv } from './env.js';

const missing = [commandMissing(['sh', '-c', 'command -v xvfb-run && command -v Xvfb && command -v xauth'], 'xvfb xauth'),
  pythonModuleMissing(['qtconsole', 'PyQt5.QtTest'], 'jupyter-qtconsole python3-pyqt5')];
const skip = skipWithout(...missing);
let fe: FrontendEnv;

before(() => {
  if (skip) return;
  assertTools(...missing);
  fe = frontendEnv('flowlab-qtconsole-');
});
after(() => fe?.dispose());

interface Observed {
  kernel_name: string;
  result: string;
  error: string;
  completed: string;
  completed_run: string;
  figure: string;
  images: Array<{ width: number; height: number; colours: number }>;
  probe: { status: string; value: string[] };
}

/** The text between prompt `In [n]:` and the next prompt. */
function cell(text: string, n: number): string {
  const start = text.indexOf(`In [${n}]:`);
  const end = text.indexOf(`In [${n + 1}]:`, start);
  assert.ok(start >= 0 && end > start, `cell ${n} and the prompt after it are shown:\n${text}`);
  return text.slice(start, end);
}

test('jupyter qtconsole --kernel flowlab under Xvfb: a cell, an error, completion, a figure; the kernel got the cells', { skip, timeout: 300_000 }, async () => {
  const shot = join(outputDir('frontends'), 'qtconsole.png');
  const script = join(repoRoot(), 'tests', 'frontends', 'qtconsole_drive.py');
  const env = { ...fe.env, XDG_RUNTIME_DIR: fe.dir, QT_QPA_PLATFORM: 'xcb' };
  const r = await runProcess('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', '/usr/bin/python3', script, shot], { env, cwd: fe.work, timeoutMs: 280_000 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  assert.equal(r.code, 0, `the QtConsole driver failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(line, `no observations printed:\n${r.stdout}\n${r.stderr}`);
  const o = JSON.parse(line) as Observed;
  assert.equal(o.kernel_name, 'flowlab');
  assert.match(cell(o.result, 2), /Out\[2\]: \[ 42, 43 \]/);
  // The traceback is shown under its cell, before the next prompt (not in the new input line).
  assert.match(cell(o.error, 3), /RangeError: lr must be positive\n\s+at <cell 3>:1:7/);
  assert.equal(o.completed, 'fl.train');
  assert.match(cell(o.completed_run, 4), /In \[4\]: fl\.train\.name\nOut\[4\]: 'train'/);
  assert.match(cell(o.figure, 6), /Out\[6\]:/);
  assert.equal(o.images.length, 1, 'the figure is drawn as one image');
  const [img] = o.images;
  assert.ok(img.width >= 400 && img.height >= 250, `figure size ${img.width}×${img.height}`);
  assert.ok(img.colours > 10, `the image has a drawing in it (${img.colours} colours sampled)`);
  assert.deepEqual(o.probe, { status: 'ok', value: ['42'] }, 'a second client on the same kernel reads q = 42');
});
