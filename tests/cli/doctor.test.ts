/**
 * `flowlab doctor` on this machine: the default backend works; backends that cannot work here
 * (no GPU, no libtensorflow) are reported as unavailable with the reason and what to install.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

interface Row { area: string; name: string; ok: boolean; detail: string; fix?: string }

test('flowlab doctor reports every backend with a reason and a fix', () => {
  const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [cli, 'doctor', '--json'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(r.status, 0, `doctor failed: ${r.stderr}`);
  const rows = JSON.parse(r.stdout) as Row[];
  const byName = new Map(rows.filter((x) => x.area === 'backend').map((x) => [x.name, x]));
  assert.deepEqual([...byName.keys()].sort(), ['cpu', 'tensorflow', 'wasm', 'webgpu']);
  assert.equal(byName.get('wasm')!.ok, true, 'the default wasm backend must work everywhere');
  assert.match(byName.get('wasm')!.detail, /float32/);
  assert.equal(byName.get('cpu')!.ok, true);
  const tfNode = byName.get('tensorflow')!;
  if (!tfNode.ok) assert.match(tfNode.fix ?? '', /@tensorflow\/tfjs-node/, 'the fix must name the package to install');
  const gpu = byName.get('webgpu')!;
  if (!gpu.ok) assert.match(gpu.fix ?? '', /webgpu/i, 'the fix must say what WebGPU needs');
  const node = rows.find((x) => x.area === 'node')!;
  assert.equal(node.ok, Number(process.versions.node.split('.')[0]) >= 20);
});
