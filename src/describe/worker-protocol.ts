/**
 * Messages between a describe and its worker, on both platforms: errors cross as `WireError`
 * (Node's describeFile worker uses only that). The browser's worker is sent the File itself (a
 * handle, not its bytes) and reads and hashes it there: faster in Chromium than reading on the
 * page and shipping buffers to the worker.
 */
// Figures: bench/README.md, "Browser".
import type { ErrorCode, ErrorKind } from '../codes.js';
import { FnnxError } from '../errors.js';
import type { DescribeResult } from './descriptor.js';

export type ToWorker = { describe: { blob: Blob; fileName: string } };

export type FromWorker = { progress: number } | { result: DescribeResult } | { error: WireError };

export interface WireError {
  code: ErrorCode;
  kind: ErrorKind;
  message: string;
  member?: string;
  hint?: string;
}

export function toWire(e: unknown): WireError {
  if (e instanceof FnnxError) return { code: e.code, kind: e.kind, message: e.message, member: e.member, hint: e.hint };
  return { code: 'INTERNAL', kind: 'io', message: (e as Error)?.message ?? String(e) };
}

export function fromWire(w: WireError): FnnxError {
  return new FnnxError(w.code, w.kind, w.message, { member: w.member, hint: w.hint });
}
