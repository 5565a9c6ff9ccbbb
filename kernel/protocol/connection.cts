/**
 * Reading a Jupyter connection file (the JSON a client writes before launching the kernel).
 *
 * CommonJS (.cts) because the protocol worker's entry is: it binds the sockets before any ES
 * module loads (kernel/protocol/worker.cts). ES modules import it as usual.
 */
import { getHashes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The fields of a connection file flowlab uses. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
}

/** The five channels and their connection-file port fields. */
export const CHANNELS = ['shell', 'control', 'iopub', 'stdin', 'hb'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The part of a zeromq 6 socket the kernel uses. */
export type ZSocket = { receive(): Promise<Buffer[]>; send(f: Buffer[]): Promise<void>; bind(a: string): Promise<void>; close(): void; closed: boolean; linger: number; maxMessageSize: number; lastEndpoint: string | null };

/**
 * Reads and validates a connection file.
 * Defaults: transport 'tcp', ip '127.0.0.1', key '' (unsigned), signature_scheme 'hmac-sha256'.
 * @example readConnectionFile('/run/user/1000/jupyter/kernel-1.json').shell_port
 */
export function readConnectionFile(path: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--connection-file: could not read JSON from '${path}' (${(err as Error).message}). Pass the file your Jupyter client wrote.`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error(`--connection-file: '${path}' must hold a JSON object.`);
  const r = raw as Record<string, unknown>;
  const transport = r.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') throw new Error(`connection file: transport must be 'tcp' or 'ipc', got ${JSON.stringify(transport)}.`);
  const info: ConnectionInfo = {
    transport,
    ip: typeof r.ip === 'string' && r.ip ? r.ip : '127.0.0.1',
    key: typeof r.key === 'string' ? r.key : '',
    signature_scheme: typeof r.signature_scheme === 'string' && r.signature_scheme ? r.signature_scheme : 'hmac-sha256',
    shell_port: 0, control_port: 0, iopub_port: 0, stdin_port: 0, hb_port: 0,
  };
  for (const ch of CHANNELS) {
    const port = r[`${ch}_port`];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`connection file: ${ch}_port must be an integer port (0–65535), got ${JSON.stringify(port)}.`);
    }
    info[`${ch}_port`] = port;
  }
  return info;
}

/** The ZeroMQ endpoint a channel binds to (jupyter_client's convention for ipc: `ip-port`). */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  if (info.transport === 'ipc') return `ipc://${info.ip}-${port}`;
  const host = info.ip.includes(':') ? `[${info.ip}]` : info.ip;
  return `tcp://${host}:${port === 0 ? '*' : port}`;
}

/**
 * The hash of a connection file's `signature_scheme` ('hmac-sha256' → 'sha256'); throws, naming
 * the fix, for a scheme that is not `hmac-<hash>` with a hash Node supports.
 */
export function hmacAlgorithm(scheme: string): string {
  const match = /^hmac-([a-z0-9-]+)$/i.exec(scheme);
  const algorithm = match?.[1]?.toLowerCase() ?? '';
  if (!getHashes().includes(algorithm)) {
    throw new Error(`signature_scheme: expected 'hmac-<hash>' with a hash Node supports (e.g. 'hmac-sha256'), got '${scheme}'. Fix the connection file.`);
  }
  return algorithm;
}
