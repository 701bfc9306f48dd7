/**
 * One error hierarchy for the whole kit. Every failure a user can meet carries a stable `code`,
 * the member it concerns (when there is one) and whether it means "the artifact is bad" (exit 1)
 * or "we could not do what was asked" (usage / I/O, exit 2). The CLI maps these to one line.
 */

import type { ErrorCode, ErrorKind } from './codes.js';

export interface FnnxErrorOptions {
  member?: string;
  hint?: string;
  cause?: unknown;
}

export class FnnxError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly member: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, kind: ErrorKind, message: string, options: FnnxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.member = options.member;
    this.hint = options.hint;
  }
}

/** The bytes are not a sound tar archive (bad checksum, truncated, bad number field…). */
export class TarFormatError extends FnnxError {
  constructor(code: ErrorCode, message: string, options: FnnxErrorOptions = {}) {
    super(code, 'artifact', message, options);
  }
}

/** The archive is a sound tar but not a sound FNNX artifact (missing root file, bad JSON…). */
export class ArtifactError extends FnnxError {
  constructor(code: ErrorCode, message: string, options: FnnxErrorOptions = {}) {
    super(code, 'artifact', message, options);
  }
}

/** A configured limit was exceeded; `limit` names the option that raises it. */
export class LimitError extends FnnxError {
  readonly limit: string;
  constructor(limit: string, message: string, options: FnnxErrorOptions = {}) {
    super('LIMIT_EXCEEDED', 'artifact', message, {
      hint: `if this input is trusted, raise the limit: --limit ${limit}=<n> on the CLI, or the "${limit}" option in the API`,
      ...options,
    });
    this.limit = limit;
  }
}

/** Reading bytes failed: file missing, network down, server misbehaving. */
export class SourceError extends FnnxError {
  constructor(code: ErrorCode, message: string, options: FnnxErrorOptions = {}) {
    super(code, 'io', message, options);
  }
}

/** The caller asked for something impossible (bad option, unknown member…). */
export class UsageError extends FnnxError {
  constructor(code: ErrorCode, message: string, options: FnnxErrorOptions = {}) {
    super(code, 'usage', message, options);
  }
}

export class AbortError extends FnnxError {
  constructor(message = 'the operation was aborted', options: FnnxErrorOptions = {}) {
    super('ABORTED', 'io', message, options);
  }
}

/** Narrows `e` to an FnnxError, and to one with `code` when given: `if (isFnnxError(e, 'LIMIT_EXCEEDED')) e.code`. */
export function isFnnxError<C extends ErrorCode = ErrorCode>(e: unknown, code?: C): e is FnnxError & { readonly code: C } {
  return e instanceof FnnxError && (code === undefined || e.code === code);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}
