/**
 * What the validator says: one finding per diagnostic, each with a stable code, a severity, the
 * member it concerns and a JSON pointer into that member (empty for the whole member).
 */
import type { DiagnosticCode } from '../codes.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable UPPER_SNAKE identifier (listed in src/codes.ts); scripts match on it, never on the message. */
  code: DiagnosticCode;
  /** error: the artifact breaks the format. warning: readable, but unsupported or non-conforming in a tolerated way (errors under --strict). info: advice, never fails. */
  severity: Severity;
  message: string;
  /** The member the finding is about, or null for the artifact as a whole. */
  member: string | null;
  /** RFC 6901 pointer into the member's JSON ("" = the whole member). */
  pointer: string;
}

/**
 * Appends `more` to `out` one by one: `out.push(...more)` passes every element as an argument and
 * overflows the call stack once a rule returns a few hundred thousand findings.
 */
export function pushAll<T>(out: T[], ...lists: ReadonlyArray<readonly T[]>): void {
  // Index loops: for-of allocates a result per step in code V8 has not optimised, as a short command's is.
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l]!;
    for (let i = 0; i < list.length; i++) out.push(list[i]!);
  }
}

/** Findings of one code a rule keeps in full; past it, one finding gives the count of the rest. */
export const FINDINGS_PER_CODE = 1000;

/**
 * A rule's findings when their number is the artifact's choice (one per metadata entry): at most
 * FINDINGS_PER_CODE of each code are kept, so memory does not grow with a million bad entries.
 */
export class FindingList {
  private readonly kept: Diagnostic[] = [];
  private readonly seen = new Map<DiagnosticCode, { n: number; severity: Severity; unexamined: number }>();

  push(d: Diagnostic): void {
    const s = this.entry(d.code, d.severity);
    s.n++;
    if (s.n <= FINDINGS_PER_CODE) this.kept.push(d);
  }

  /** Whether findings of `code` are past the cap: a rule may then count an item instead of building its findings. */
  full(code: DiagnosticCode): boolean {
    return (this.seen.get(code)?.n ?? 0) >= FINDINGS_PER_CODE;
  }

  /** One more item with findings of `code` that were not built one by one (the cap was reached). */
  tally(code: DiagnosticCode, severity: Severity): void {
    this.entry(code, severity).unexamined++;
  }

  list(): Diagnostic[] {
    const out = this.kept.slice();
    for (const [code, { n, severity, unexamined }] of this.seen) {
      if (n > FINDINGS_PER_CODE || unexamined > 0) {
        const more = unexamined > 0 ? `, and ${unexamined} more item(s) with such findings, not examined one by one` : '';
        const listed = Math.min(n, FINDINGS_PER_CODE);
        out.push(
          diag(code, severity, `${n - listed} more ${code} finding(s) not listed (${n} in all${more})`, { member: null, pointer: '' }),
        );
      }
    }
    return out;
  }

  private entry(code: DiagnosticCode, severity: Severity): { n: number; severity: Severity; unexamined: number } {
    let s = this.seen.get(code);
    if (!s) this.seen.set(code, (s = { n: 0, severity, unexamined: 0 }));
    if (severity === 'error') s.severity = 'error';
    return s;
  }
}

/** Where in the artifact a rule is looking. */
export interface Place {
  member: string | null;
  pointer: string;
}

export function diag(code: DiagnosticCode, severity: Severity, message: string, at: Place): Diagnostic {
  return { code, severity, message, member: at.member, pointer: at.pointer };
}

/** `at` one level deeper: `/inputs` + 3 → `/inputs/3`. */
export function child(at: Place, ...keys: Array<string | number>): Place {
  let pointer = at.pointer;
  for (const k of keys) pointer += `/${escapePointer(String(k))}`;
  return { member: at.member, pointer };
}

export function escapePointer(key: string): string {
  // Most keys need no escape: test before replacing (rules build a pointer per value they visit).
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** Applies --strict: warnings count as errors; info stays advice. */
export function strictly(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d));
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}
