import { printable } from '../../safety/printable.js';

/** Rows a text list shows before it says how many more there are: `--json` has them all. */
export const TEXT_LIST_MAX = 100;

/**
 * Widest a text cell is drawn, in characters after escaping: every cell of a column is padded to
 * the widest, so one metric named with 3 M characters made `inspect` print 303 MB (and 6 M ended
 * in "Invalid string length"). `--json` has the whole text.
 */
export const CELL_MAX = 256;

/**
 * `text` escaped for a terminal and cut to at most `max` characters, the last of them `…` when
 * anything was cut. Only the first `max` characters are escaped: a 3 M-character name costs as
 * much as a short one.
 */
export function clip(text: string, max = CELL_MAX): string {
  const escaped = printable(text.length > max ? text.slice(0, max) : text);
  if (escaped.length <= max && text.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  // Never end on half of a surrogate pair: a lone surrogate is not text.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Left-aligned columns with two spaces between them; enough for terminal summaries. Every cell
 * is escaped and clipped to CELL_MAX here (cells hold names from the artifact), and at most `max`
 * rows are drawn.
 */
export function table(header: string[], rows: string[][], max = TEXT_LIST_MAX): string {
  const shown = rows.slice(0, max).map((r) => r.map((cell) => clip(cell)));
  const all = [header, ...shown];
  // reduce, not Math.max(...): spreading 200,000 rows overflows the call stack.
  const widths = header.map((_, c) => all.reduce((w, r) => Math.max(w, (r[c] ?? '').length), 0));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...shown.map(line)].map((l) => `  ${l}\n`).join('') + more(rows.length, shown.length);
}

/** Lines already escaped by the caller, at most `max` of them, then the count of the rest. */
export function shortList(lines: string[], max = TEXT_LIST_MAX, indent = '  '): string {
  return (
    lines
      .slice(0, max)
      .map((l) => `${indent}${l}\n`)
      .join('') + more(lines.length, Math.min(lines.length, max), indent)
  );
}

function more(total: number, shown: number, indent = '  '): string {
  return total > shown ? `${indent}… and ${total - shown} more (${total} in all; use --json for all)\n` : '';
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
