import { printable } from '../../safety/printable.js';

/** Rows a text list shows before it says how many more there are: `--json` has them all. */
export const TEXT_LIST_MAX = 100;

/**
 * Left-aligned columns with two spaces between them; enough for terminal summaries. Every cell
 * is escaped here (cells hold names from the artifact), and at most `max` rows are drawn.
 */
export function table(header: string[], rows: string[][], max = TEXT_LIST_MAX): string {
  const shown = rows.slice(0, max).map((r) => r.map(printable));
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
