/**
 * `flowlab install` / `uninstall` / `--help` / `kernel` start-up errors through the built CLI, checked with Jupyter's own
 * tools (`jupyter kernelspec list --json`) and an independent PNG decoder (Python's zlib).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compiled, repoRoot, runProcess } from './helpers.js';

const cliArgs = (): string[] => (compiled ? [join(repoRoot(), 'dist', 'src', 'cli', 'main.js')] : ['--import', 'tsx', join(repoRoot(), 'src', 'cli', 'main.ts')]);
const flowlab = (args: string[], env: NodeJS.ProcessEnv = process.env) => runProcess(process.execPath, [...cliArgs(), ...args], { env, timeoutMs: 60_000 });
/** The kernelspec's entry (kernel.json runs it instead of the CLI): the same options as `flowlab kernel`. */
const launchEntry = (): string => join(repoRoot(), 'dist', 'kernel', 'launch.cjs');
type StartKernel = (args: string[]) => ReturnType<typeof flowlab>;
/** The two ways a kernel starts: the CLI's `flowlab kernel …` and the kernelspec's launch.cjs (built only). */
function kernelEntries(): Array<[string, StartKernel]> {
  const entries: Array<[string, StartKernel]> = [['flowlab kernel', (args) => flowlab(['kernel', ...args])]];
  if (compiled) entries.push(['launch.cjs', (args) => runProcess(process.execPath, [launchEntry(), ...args], { timeoutMs: 60_000 })]);
  return entries;
}

const PNG_CHECK = `
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
pos, idat, size = 8, b'', None
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
    assert zlib.crc32(kind + body) == crc, 'crc ' + kind.decode()
    if kind == b'IHDR': size = struct.unpack('>IIBB', body[:10])
    if kind == b'IDAT': idat += body
    pos += 12 + n
w, h, depth, colour = size
raw = zlib.decompress(idat)
assert len(raw) == h * (w * 4 + 1), 'scanlines'
opaque = sum(1 for y in range(h) for x in range(w) if raw[y * (w * 4 + 1) + 1 + x * 4 + 3] > 0)
print(w, h, depth, colour, opaque)
`;

test('flowlab install --prefix writes a kernelspec Jupyter lists, with valid logos; uninstall removes it', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-install-'));
  try {
    const r = await flowlab(['install', '--prefix', dir]);
    assert.equal(r.code, 0, r.stderr);
    const spec = join(dir, 'share', 'jupyter', 'kernels', 'flowlab');
    const kj = JSON.parse(readFileSync(join(spec, 'kernel.json'), 'utf8'));
    assert.equal(kj.display_name, 'TypeScript (flowlab)');
    assert.equal(kj.language, 'typescript');
    assert.equal(kj.interrupt_mode, 'signal');
    assert.deepEqual(kj.argv, [process.execPath, launchEntry(), '--connection-file', '{connection_file}']);

    const env = { ...process.env, JUPYTER_PATH: join(dir, 'share', 'jupyter'), JUPYTER_DATA_DIR: join(dir, 'nothing') };
    const listed = await runProcess('/usr/bin/python3', ['-m', 'jupyter_client.kernelspecapp', 'list', '--json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const specs = JSON.parse(listed.stdout).kernelspecs;
    assert.equal(specs.flowlab.spec.display_name, 'TypeScript (flowlab)');
    assert.equal(specs.flowlab.spec.interrupt_mode, 'signal');

    for (const size of [32, 64]) {
      const png = await runProcess('/usr/bin/python3', ['-c', PNG_CHECK, join(spec, `logo-${size}x${size}.png`)]);
      assert.equal(png.code, 0, png.stderr);
      const [w, h, depth, colour, opaque] = png.stdout.trim().split(' ').map(Number);
      assert.deepEqual([w, h, depth, colour], [size, size, 8, 6]);
      assert.ok(opaque! > size * size * 0.8, 'the logo covers most of the square');
    }

    const u = await flowlab(['uninstall', '--prefix', dir]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(existsSync(spec), false);
    assert.equal((await flowlab(['uninstall', '--prefix', dir])).code, 1, 'nothing left to remove');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flowlab install --user honours JUPYTER_DATA_DIR; --sys-prefix uses sys.prefix of Jupyter\'s Python', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-install-'));
  try {
    const env = { ...process.env, JUPYTER_DATA_DIR: dir };
    const r = await flowlab(['install', '--user', '--name', 'flowlab-test'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'kernels', 'flowlab-test', 'kernel.json')));
    const py = await runProcess('/usr/bin/python3', ['-c', 'import sys; print(sys.prefix)']);
    const { kernelsDir } = await import('../../kernel/kernelspec/paths.js');
    assert.equal(kernelsDir({ sysPrefix: true }, { ...process.env, FLOWLAB_PYTHON: '/usr/bin/python3' }), join(py.stdout.trim(), 'share', 'jupyter', 'kernels'));
    assert.throws(() => kernelsDir({ user: true, prefix: '/x' }), /only one of/);
    const bad = await flowlab(['install', '--prefix', dir, '--name', 'bad name']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flowlab --help lists the commands; help CMD shows usage; unknown commands and options exit 2', { timeout: 60_000 }, async () => {
  const help = await flowlab(['--help']);
  assert.equal(help.code, 0);
  for (const name of ['kernel', 'install', 'uninstall', 'help']) assert.match(help.stdout, new RegExp(`^  ${name}\\s`, 'm'));
  const one = await flowlab(['help', 'install']);
  assert.equal(one.code, 0);
  assert.match(one.stdout, /--sys-prefix/);
  const unknown = await flowlab(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badOpt = await flowlab(['install', '--bogus']);
  assert.equal(badOpt.code, 2);
  assert.match(badOpt.stderr, /bogus/);
  for (const [entry, kernel] of kernelEntries()) {
    const noFile = await kernel([]);
    assert.equal(noFile.code, 2, entry);
    assert.match(noFile.stderr, /--connection-file is required/, entry);
    const unknownOpt = await kernel(['--connection-file', 'x.json', '--bogus']);
    assert.equal(unknownOpt.code, 2, entry);
    assert.match(unknownOpt.stderr, /bogus/, entry);
  }
});

test('flowlab kernel and the kernelspec entry refuse a bad connection file or a taken port, naming the problem and the fix', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-kernel-start-'));
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  try {
    const file = (over: Record<string, unknown>) => {
      const path = join(dir, `${Object.keys(over).join('-')}.json`);
      writeFileSync(path, JSON.stringify({ transport: 'tcp', ip: '127.0.0.1', key: 'k', signature_scheme: 'hmac-sha256', shell_port: 0, control_port: 0, iopub_port: 0, stdin_port: 0, hb_port: 0, ...over }));
      return path;
    };
    const port = (taken.address() as { port: number }).port;
    for (const [entry, kernel] of kernelEntries()) {
      const missing = await kernel(['--connection-file', join(dir, 'absent.json')]);
      assert.equal(missing.code, 1, entry);
      assert.match(missing.stderr, /could not read JSON from .*absent\.json.*Pass the file your Jupyter client wrote/, entry);
      const scheme = await kernel(['--connection-file', file({ signature_scheme: 'hmac-nope' })]);
      assert.equal(scheme.code, 1, entry);
      assert.match(scheme.stderr, /signature_scheme: expected 'hmac-<hash>'.*got 'hmac-nope'\. Fix the connection file/, entry);
      // shell and control (bound after it): the message names the channel that could not bind
      for (const channel of ['shell', 'control']) {
        const busy = await kernel(['--connection-file', file({ [`${channel}_port`]: port })]);
        assert.equal(busy.code, 1, `${entry} ${channel}`);
        assert.match(busy.stderr, new RegExp(`${channel}: could not bind tcp://127\\.0\\.0\\.1:${port} \\(.*\\)\\. Another process may hold the port`), `${entry} ${channel}`);
      }
    }
  } finally {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
