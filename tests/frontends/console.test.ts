/**
 * `jupyter console --kernel flowlab` (Debian's jupyter-console) in tmux, typed at as a person
 * would: send-keys to type, capture-pane to read the screen. A cell with a result and one that
 * prints, an error the kernel survives, Tab completion inside `fl.` whose completed name runs,
 * and an orderly exit that shuts the kernel down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputDir } from '../plot/helpers.js';
import { assertTools, commandMissing, frontendEnv, kernelPids, pythonModuleMissing, skipWithout, waitFor, type FrontendEnv } from './env.js';
import { TmuxSession } from './tmux.js';

const missing = [commandMissing(['tmux', '-V'], 'tmux'), pythonModuleMissing(['jupyter_console'], 'jupyter-console')];
const skip = skipWithout(...missing);
let fe: FrontendEnv;
let term: TmuxSession | undefined;

before(() => {
  if (skip) return;
  assertTools(...missing);
  fe = frontendEnv('flowlab-console-');
});
after(() => {
  if (term) writeFileSync(join(outputDir('frontends'), 'console.txt'), term.screen());
  term?.kill();
  fe?.dispose();
});

test('jupyter console --kernel flowlab in tmux: cells, an error, completion, exit', { skip, timeout: 180_000 }, async () => {
  term = new TmuxSession(fe.dir, ['/usr/bin/python3', '-m', 'jupyter_console', '--kernel', 'flowlab'], { env: fe.env, cwd: fe.work });
  const t = term;
  await t.waitScreen('the first prompt', (s) => /In \[1\]: *$/m.test(s), 90_000);
  assert.match(t.screen(), /TypeScript \(flowlab\)|flowlab/, 'the banner names the kernel');

  t.type("import * as fl from 'flowlab'");
  t.press('Enter');
  await t.waitScreen('prompt 2', (s) => /In \[2\]: *$/m.test(s));

  t.type('const answer = 6 * 7; [1, 2, 3].map((v) => v * answer)');
  t.press('Enter');
  const out = await t.waitScreen('Out[2] and prompt 3', (s) => /In \[3\]: *$/m.test(s));
  assert.match(out, /Out\[2\]: \[ 42, 84, 126 \]/);

  t.type("console.log('printed', answer + 1)");
  t.press('Enter');
  const printed = await t.waitScreen('prompt 4', (s) => /In \[4\]: *$/m.test(s));
  assert.match(printed, /^printed 43$/m);

  t.type("throw new TypeError('lr must be a number')");
  t.press('Enter');
  const err = await t.waitScreen('prompt 5 after the error', (s) => /In \[5\]: *$/m.test(s));
  assert.match(err, /TypeError: lr must be a number/);

  // Tab completes `fl.tra` to the only match, `fl.train`; the completed name then runs.
  t.type('fl.tra');
  t.press('Tab');
  await t.waitScreen('the completion', (s) => /In \[5\]: fl\.train *$/m.test(s));
  t.type('.name');
  t.press('Enter');
  const done = await t.waitScreen('Out[5]', (s) => /In \[6\]: *$/m.test(s));
  assert.match(done, /Out\[5\]: 'train'/);

  // With several matches the console shows a menu of them.
  t.type('fl.');
  t.press('Tab');
  await t.waitScreen('the completion menu', (s) => ['optim', 'landscape', 'flows', 'plot'].every((n) => new RegExp(`\\b${n}\\b`).test(s)));
  t.press('C-c');   // drops the half-typed line, as a person would
  await t.waitScreen('an empty prompt', (s) => /In \[6\]: *$/m.test(s) && !/In \[6\]: fl\./.test(s.split('\n').filter(Boolean).slice(-1)[0] ?? ''));

  t.type('answer');
  t.press('Enter');
  const kept = await t.waitScreen('Out[6]', (s) => /Out\[6\]: 42/.test(s));
  assert.match(kept, /Out\[6\]: 42/, 'state survived the error and the cancelled line');

  // Ctrl-D at an empty prompt asks to exit; 'y' confirms, and the console shuts the kernel down.
  const runtime = fe.env.JUPYTER_RUNTIME_DIR!;
  const pids = kernelPids(runtime);
  assert.equal(pids.length, 1, 'one flowlab kernel runs for the console');
  t.press('C-d');
  await t.waitScreen('the exit question', (s) => /Do you really want to exit/.test(s), 30_000);
  t.type('y');
  t.press('Enter');
  await t.waitScreen('the console to exit', () => t.exited(), 30_000);
  await waitFor(`kernel ${pids[0]} to be shut down with the console`, () => kernelPids(runtime).length === 0, { timeoutMs: 30_000 });
});
