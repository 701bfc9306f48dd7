/**
 * Messages between describeBlob and its worker. The worker is sent the File itself (a handle, not
 * its bytes) and reads and hashes it there: faster in Chromium than reading on the page and
 * shipping buffers to the worker.
 */
// Figures: bench/README.md, "Browser".
import type { ErrorCode } from '../codes.js';
import { FnnxError, type ErrorKind } from '../errors.js';
import type { DescribeResult } from '../describe/descriptor.js';

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
