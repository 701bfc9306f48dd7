/**
 * Messages between describeBlob (which reads the file) and its worker (which hashes and scans):
 * the reading thread and the hashing thread run on different cores, so a file is described at
 * the hasher's speed instead of at the sum of read time and hash time.
 */
import { FnnxError, type ErrorKind } from '../errors.js';
import type { DescribeResult } from '../describe/descriptor.js';

/** `chunk`'s first `length` bytes are the next bytes of the file; the buffer comes back when hashed. */
export type ToWorker = { start: { fileName: string } } | { chunk: ArrayBuffer; length: number } | { end: true };

export type FromWorker = { consumed: number; buffer: ArrayBuffer } | { result: DescribeResult } | { error: WireError };

export interface WireError {
  code: string;
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
