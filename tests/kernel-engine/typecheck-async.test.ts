/**
 * The default type-check policy (async): a check that finishes while the cell still runs is
 * reported before the execute reply; one that finishes later arrives afterwards with the same parent.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, test } from 'node:test';
import { recordingEngine, sleep } from './helpers.js';

const k = recordingEngine(tmpdir(), 'async');
after(async () => { await k.request({ kind: 'shutdown', restart: false }); });

const typeErrors = (id: number) => k.eventsFor(id).filter((e) => e.kind === 'stream' && e.name === 'stderr' && /error TS/.test((e as { text: string }).text));

async function until(pred: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !pred() && Date.now() < end;) await sleep(10);
}

test('async policy: early checks before the reply, late checks after it, same parent', async () => {
  // Warm the checker (its first check loads the standard library).
  const warm = await k.exec("const warmUp: number = 'w';");
  await until(() => typeErrors(warm.id).length > 0, 60_000);
  assert.equal(typeErrors(warm.id).length, 1);
  // A slow cell: the check (tens of ms) finishes while it sleeps → reported before the reply.
  const slow = await k.exec("const early: number = 'a';\nawait new Promise((r) => setTimeout(r, 1500));");
  const e1 = typeErrors(slow.id);
  assert.equal(e1.length, 1);
  assert.ok(e1[0].at <= slow.at, 'diagnostics of a slow cell must precede its reply');
  assert.match((e1[0] as { text: string }).text, new RegExp(`^cell \\[${k.count()}\\] 1:7 - error TS2322`));
  // A fast cell: the reply comes first, the diagnostics follow with the same parent.
  const fast = await k.exec("const late: number = 'b';");
  assert.equal(typeErrors(fast.id).length, 0, 'a 0 ms cell cannot wait for its check in async mode');
  await until(() => typeErrors(fast.id).length > 0, 10_000);
  const e2 = typeErrors(fast.id);
  assert.equal(e2.length, 1);
  assert.ok(e2[0].at > fast.at);
});
