/**
 * `flowlab doctor` on this machine: the default backend works; backends that cannot work here
 * (no GPU, no libtensorflow) are reported as unavailable with the reason and what to install; the
 * native OpenBLAS path is reported (required under CI) and a failed native build says what to install.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const native = rows.find((x) => x.area === 'native')!;
  assert.ok(native, 'the native OpenBLAS path has a row');
  if (process.env.CI && process.env.FLOWLAB_BLAS !== '0') assert.equal(native.ok, true, `CI builds the native addon: ${native.detail}`);
  if (native.ok) assert.match(native.detail, /OpenBLAS.*matMul, conv2d, GELU and sums run natively on \d+ thread/);
  else assert.match(native.fix ?? '', /libopenblas-dev.*build:native|FLOWLAB_BLAS/);
});

test('without a C compiler the native build says what to install, and the install step still succeeds', () => {
  const build = join(repoRoot(), 'native', 'build.mjs');
  const out = join(tmpdir(), `flowlab-native-${process.pid}`);
  const env = { ...process.env, PATH: '/nonexistent', CC: '' };
  const strict = spawnSync(process.execPath, [build, '--out', out], { encoding: 'utf8', env });
  assert.equal(strict.status, 1);
  assert.match(strict.stdout, /not built — no C compiler.*flowlab works without it \(pure wasm\).*apt-get install gcc libopenblas-dev.*npm run build:native/);
  const optional = spawnSync(process.execPath, [build, '--optional', '--out', out], { encoding: 'utf8', env });
  assert.equal(optional.status, 0, 'the install step never fails');
  assert.match(readFileSync(join(out, 'status.json'), 'utf8'), /"ok":false,"reason":"no C compiler/);
  rmSync(out, { recursive: true, force: true });
});

test('doctor checks what an installed kernelspec starts: current, older (through the CLI), moved away, unreadable', async () => {
  const { checkKernelspec } = await import('../../src/cli/doctor/checks.js');
  const { installKernelspec } = await import('../../kernel/kernelspec/install.js');
  const prefix = join(tmpdir(), `flowlab-doctor-spec-${process.pid}`);
  const spec = (name: string, argv?: string[]) => installKernelspec({ prefix, name, argv });
  try {
    const current = checkKernelspec(spec('current'));
    assert.equal(current.ok, true, current.detail);
    assert.doesNotMatch(current.detail, /older/);

    const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
    const older = checkKernelspec(spec('older', [process.execPath, cli, 'kernel', '--connection-file', '{connection_file}']));
    assert.equal(older.ok, true, 'a kernelspec from an older flowlab still starts');
    assert.match(older.detail, /older flowlab.*flowlab install --user/);

    const gone = join(prefix, 'moved-away', 'launch.cjs');
    const moved = checkKernelspec(spec('moved', [process.execPath, gone, '--connection-file', '{connection_file}']));
    assert.equal(moved.ok, false);
    assert.ok(moved.detail.includes(gone), moved.detail);
    assert.match(moved.fix ?? '', /flowlab install --user/);

    const corrupt = spec('corrupt');
    writeFileSync(join(corrupt, 'kernel.json'), '{"argv": [');
    const unreadable = checkKernelspec(corrupt);
    assert.equal(unreadable.ok, false);
    assert.match(unreadable.detail, /kernel\.json unreadable/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
