/** The messages between validate --run (run-check.ts) and its child process (run-child.ts). */
import type { JsonLimits } from '../artifact/json-member.js';
import type { FileIndex } from '../tar/entry.js';
import type { TarLimits } from '../tar/limits.js';

/** The reading limits the child opens the artifact with. */
export type ChildLimits = Partial<TarLimits> & Partial<JsonLimits>;
import type { Diagnostic } from '../validate/diagnostics.js';

export interface ChildJob {
  target: string;
  index?: FileIndex;
  limits?: ChildLimits;
  /** The HTTP rate bounds for a URL (plain numbers: the job crosses a process boundary). */
  remote?: { speedLimit?: number; speedTimeMs?: number };
  dims: Record<string, number>;
  maxRunModel: number;
  /** The private folder the parent made, and removes whatever happens to the child. */
  tempDir: string;
}

export type ChildAnswer =
  /** The next step, and the findings made since the last message. */
  | { type: 'step'; what: string; found: Diagnostic[] }
  /** The findings not sent with a step yet. */
  | { type: 'done'; diagnostics: Diagnostic[] }
  | { type: 'missing'; message: string }
  /** The child could not read the artifact: the error's code and kind, when it was an FnnxError. */
  | { type: 'failed'; message: string; code?: string; kind?: string; member?: string };
