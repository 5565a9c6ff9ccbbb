/**
 * The Jupyter wire format: frames ↔ messages, HMAC signing and verification.
 *
 * A message on a ROUTER/DEALER socket is the frame list
 *   [identity…, "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffer…]
 * where hmac = HMAC(key, header ‖ parent_header ‖ metadata ‖ content) in lowercase hex
 * (Jupyter messaging spec 5.3, "The Wire Protocol"). An empty key disables signing.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { hmacAlgorithm } from './connection.cjs';

/** Separates routing identities from the signed message body. */
export const DELIMITER = '<IDS|MSG>';
/** The protocol version flowlab speaks. */
export const PROTOCOL_VERSION = '5.3';

/** A Jupyter message header. */
export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
  [extra: string]: unknown;
}

/** A parsed message, with the routing identities it arrived with. */
export interface Message {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header> & Record<string, unknown>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** Parse result: a message, or the reason the frames were rejected. */
export type ParseResult = { ok: true; message: Message } | { ok: false; reason: string };

/** Signs and verifies message bodies with the connection file's key and scheme. */
export class Signer {
  private readonly algorithm: string;
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];

  /**
   * @param key the connection file's `key` (empty string: signing disabled)
   * @param scheme the connection file's `signature_scheme`, default 'hmac-sha256'
   * @example new Signer('a0436f6c-1916-498b-8eb9-e81ab9368e84').sign([h, p, m, c])
   */
  constructor(private readonly key: string, scheme = 'hmac-sha256') {
    this.algorithm = hmacAlgorithm(scheme);
  }

  /** True when a key is set (messages are signed and checked). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** Hex HMAC of the four body frames ('' when signing is disabled). */
  sign(parts: readonly (Buffer | string)[]): string {
    if (!this.enabled) return '';
    const mac = createHmac(this.algorithm, this.key);
    for (const part of parts) mac.update(part);
    return mac.digest('hex');
  }

  /** Timing-safe check of a received signature; also rejects replays of a recent signature. */
  verify(signature: Buffer, parts: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), 'ascii');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return false;
    const hex = expected.toString('ascii');
    if (this.seen.has(hex)) return false;
    this.seen.add(hex);
    this.order.push(hex);
    if (this.order.length > 65536) this.seen.delete(this.order.shift()!);
    return true;
  }
}

function parseDict(frame: Buffer, name: string, required: boolean): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    return `${name} is not valid JSON`;
  }
  if (value === null && !required) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} is not a JSON object`;
  return value as Record<string, unknown>;
}

/**
 * Parses and authenticates one multipart message.
 * Rejects: no delimiter, fewer than 5 frames after it, a bad or missing signature (checked before
 * any JSON is parsed), non-object dicts, a header without string msg_id/msg_type.
 */
export function parseFrames(frames: readonly Buffer[], signer: Signer): ParseResult {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString('latin1') === DELIMITER);
  if (at < 0) return { ok: false, reason: 'missing <IDS|MSG> delimiter' };
  if (frames.length < at + 6) return { ok: false, reason: `expected 5 frames after the delimiter, got ${frames.length - at - 1}` };
  const [signature, h, p, m, c] = frames.slice(at + 1, at + 6) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  if (!signer.verify(signature, [h, p, m, c])) {
    return { ok: false, reason: signature.length === 0 ? 'missing signature' : 'bad signature (or a replayed message)' };
  }
  const header = parseDict(h, 'header', true);
  if (typeof header === 'string') return { ok: false, reason: header };
  if (typeof header.msg_id !== 'string' || typeof header.msg_type !== 'string' || header.msg_type === '') {
    return { ok: false, reason: 'header lacks string msg_id / msg_type' };
  }
  const parent = parseDict(p, 'parent_header', false);
  const metadata = parseDict(m, 'metadata', false);
  const content = parseDict(c, 'content', false);
  for (const part of [parent, metadata, content]) if (typeof part === 'string') return { ok: false, reason: part };
  return {
    ok: true,
    message: {
      identities: frames.slice(0, at) as Buffer[],
      header: header as Header,
      parent_header: parent as Message['parent_header'],
      metadata: metadata as Record<string, unknown>,
      content: content as Record<string, unknown>,
      buffers: frames.slice(at + 6) as Buffer[],
    },
  };
}

/** JSON.stringify that survives BigInt values and cycles (they become strings / '[Circular]'). */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    }) ?? 'null';
  }
}

/** A new header for a message the kernel sends. */
export function makeHeader(msgType: string, session: string): Header {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username: 'kernel',
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/**
 * Serialized parent headers: every message a request causes (busy, execute_input, outputs, the
 * reply, idle) carries the same parent object, so it is stringified once. Headers are never
 * mutated after they are parsed or made.
 */
const parentFrames = new WeakMap<object, Buffer>();
const EMPTY_DICT = Buffer.from('{}');

function dictFrame(d: object): Buffer {
  if (Object.getPrototypeOf(d) !== Object.prototype) return Buffer.from(safeJson(d), 'utf8');
  for (const _ in d) return Buffer.from(safeJson(d), 'utf8');
  return EMPTY_DICT;
}

/** Serializes a message to signed frames (identities first). */
export function toFrames(
  signer: Signer,
  identities: readonly Buffer[],
  header: Header,
  parent: object,
  metadata: object,
  content: object,
  buffers: readonly Buffer[] = [],
): Buffer[] {
  let parentFrame = parentFrames.get(parent);
  if (!parentFrame) parentFrames.set(parent, (parentFrame = dictFrame(parent)));
  const body = [Buffer.from(safeJson(header), 'utf8'), parentFrame, dictFrame(metadata), dictFrame(content)];
  return [...identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(body), 'ascii'), ...body, ...buffers];
}
