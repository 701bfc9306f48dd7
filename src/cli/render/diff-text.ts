import type { Json } from '../../artifact/json-member.js';
import type { Change } from '../../diff/change.js';
import type { DiffReport } from '../../diff/diff.js';
import { DIFF_AREAS, DIFF_RULES, type DiffArea } from '../../diff/rules.js';
import { line } from '../../safety/printable.js';
import { table } from './table.js';

/** Longest value a text row shows; `--json` has every value whole. */
const VALUE_MAX = 60;

/** The report `diff` prints: counts, then the changes grouped by area, most severe first in each. */
export function renderDiff(r: DiffReport): string {
  let out = line`${r.old} -> ${r.new}\n`;
  const scope = r.content ? 'members compared by content' : 'members compared by size; --content compares bytes';
  for (const side of ['old', 'new'] as const) {
    const n = r.warnings[side].length;
    if (n) out += `  ${side}: ${n} reader warning(s), e.g. a metadata file skipped (fnnx-kit inspect lists them)\n`;
  }
  if (r.changes.length === 0) return `${out}  no changes (${scope})\n`;
  out += `  ${r.counts.breaking} breaking, ${r.counts.compatible} compatible, ${r.counts.info} info (${scope})\n`;
  const byArea = new Map<DiffArea, Change[]>();
  for (const c of r.changes) {
    const area = DIFF_RULES[c.rule].area;
    const list = byArea.get(area);
    if (list) list.push(c);
    else byArea.set(area, [c]);
  }
  const rank = { breaking: 0, compatible: 1, info: 2 };
  for (const area of DIFF_AREAS) {
    const list = byArea.get(area);
    if (!list) continue;
    const rows = [...list]
      .sort((a, b) => rank[a.kind] - rank[b.kind])
      .map((c) => [c.kind, c.rule, c.path, `${short(c.before)} -> ${short(c.after)}`]);
    out += `\n${area}\n${table(['kind', 'rule', 'path', 'before -> after'], rows)}`;
  }
  return out;
}

function short(v: Json): string {
  if (v === null) return '-';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > VALUE_MAX ? `${text.slice(0, VALUE_MAX - 1)}…` : text;
}
