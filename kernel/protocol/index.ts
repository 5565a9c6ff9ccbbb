/**
 * The protocol half of the kernel (runs in the worker thread; see worker.ts). Re-exported here:
 * the pieces useful outside the worker — wire format and signing, connection files, the history
 * store and the small ZeroMQ client used by benchmarks and tests.
 */
export { DELIMITER, PROTOCOL_VERSION, Signer, parseFrames, toFrames, makeHeader, safeJson, type Header, type Message, type ParseResult } from './wire.js';
export { readConnectionFile, endpoint, CHANNELS, type ConnectionInfo, type Channel } from './connection.cjs';
export { HistoryStore, defaultHistoryDir, toRows, type HistoryEntry, type HistoryRow } from './history.js';
export { globToRegExp } from './glob.js';
export { kernelInfo } from './kernel-info.js';
export { KernelClient, type ClientMessage, type Exchange } from './client.js';
