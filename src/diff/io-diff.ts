/** Inputs and outputs of the effective manifest: what callers send and read. */
import type { Json } from '../artifact/json-member.js';
import { change, keyed, own, pointer, same, type Change } from './change.js';
import type { DiffRuleId } from './rules.js';

type Side = 'inputs' | 'outputs';

/** Dtype changes that every old value survives (NDJSON numbers are JSON numbers). */
const WIDENINGS = new Set(['Array[float32]>Array[float64]', 'Array[int32]>Array[int64]']);

export function diffIo(side: Side, before: Json | undefined, after: Json | undefined): Change[] {
  const a = keyed(before, 'name');
  const b = keyed(after, 'name');
  const out: Change[] = [];
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const added = new Set([...b.keys()].filter((k) => !a.has(k)));
  const renamed = renames(removed, added, before, after);
  for (const name of removed) {
    const to = renamed.get(name);
    if (to !== undefined) out.push(change(rule(side, 'renamed'), pointer(side, name), name, to));
    else out.push(change(rule(side, 'removed'), pointer(side, name), a.get(name), undefined));
  }
  for (const name of added) out.push(change(rule(side, 'added'), pointer(side, name), undefined, b.get(name)));
  for (const [name, old] of a) {
    const now = b.get(name);
    if (now !== undefined) out.push(...diffEntry(side, name, old, now));
  }
  return out;
}

/**
 * A removed name whose position holds an added one with the same content type, dtype and shape:
 * the same port renamed, reported once instead of as a removal and an addition.
 */
function renames(removed: string[], added: Set<string>, before: Json | undefined, after: Json | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(before) || !Array.isArray(after)) return out;
  // Positions by name, first occurrence (as keyed() keeps it): one pass, not a search per name.
  const position = new Map<string, number>();
  before.forEach((e, i) => {
    const name = own(e, 'name');
    if (typeof name === 'string' && !position.has(name)) position.set(name, i);
  });
  for (const name of removed) {
    const i = position.get(name)!;
    const there = after[i];
    const newName = own(there, 'name');
    if (typeof newName !== 'string' || !added.has(newName)) continue;
    const port = (e: Json | undefined) => [own(e, 'content_type'), own(e, 'dtype'), own(e, 'shape')] as Json[];
    if (same(port(before[i]), port(there))) {
      out.set(name, newName);
      added.delete(newName);
    }
  }
  return out;
}

function diffEntry(side: Side, name: string, old: Json, now: Json): Change[] {
  const out: Change[] = [];
  const field = (k: string) => [own(old, k), own(now, k)] as const;
  const at = (k: string) => pointer(side, name, k);
  const [ct0, ct1] = field('content_type');
  if (!same(ct0, ct1)) out.push(change(rule(side, 'content-type-changed'), at('content_type'), ct0, ct1));
  const [d0, d1] = field('dtype');
  if (!same(d0, d1)) {
    const widened = side === 'inputs' && typeof d0 === 'string' && typeof d1 === 'string' && WIDENINGS.has(`${d0}>${d1}`);
    out.push(change(widened ? 'input-dtype-widened' : rule(side, 'dtype-changed'), at('dtype'), d0, d1));
  }
  // A JSON port's shape is ignored by the format: only NDJSON shapes are compared.
  const [s0, s1] = field('shape');
  if (ct0 !== 'JSON' && ct1 !== 'JSON' && !same(s0, s1)) {
    const r: DiffRuleId = side === 'outputs' ? 'output-shape-changed' : widens(s0, s1) ? 'input-shape-widened' : 'input-shape-narrowed';
    out.push(change(r, at('shape'), s0, s1));
  }
  const [t0, t1] = field('tags');
  if (!same(t0 ?? null, t1 ?? null)) out.push(change(rule(side, 'tags-changed'), at('tags'), t0, t1));
  return out;
}

/** Whether every array the old shape accepted the new one accepts: same rank, no extent newly fixed or changed. */
function widens(old: Json | undefined, now: Json | undefined): boolean {
  if (!Array.isArray(old) || !Array.isArray(now) || old.length !== now.length) return false;
  return old.every((d, i) => typeof now[i] === 'string' || d === now[i]);
}

/** Each side's rule for each kind of change (inputs also have their widening rules). */
const RULES = {
  inputs: {
    added: 'input-added',
    removed: 'input-removed',
    renamed: 'input-renamed',
    'content-type-changed': 'input-content-type-changed',
    'dtype-changed': 'input-dtype-changed',
    'tags-changed': 'input-tags-changed',
  },
  outputs: {
    added: 'output-added',
    removed: 'output-removed',
    renamed: 'output-renamed',
    'content-type-changed': 'output-content-type-changed',
    'dtype-changed': 'output-dtype-changed',
    'tags-changed': 'output-tags-changed',
  },
} as const satisfies Record<Side, Record<string, DiffRuleId>>;

function rule(side: Side, what: keyof (typeof RULES)['inputs']): DiffRuleId {
  return RULES[side][what];
}
