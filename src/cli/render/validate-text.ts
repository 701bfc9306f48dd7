import type { Diagnostic } from '../../validate/diagnostics.js';
import type { ValidationReport } from '../../validate/validate.js';
import { line } from '../../safety/printable.js';

const ARTIFACT = '(artifact)';
/** Findings the text report lists before it gives only their count; `--json` lists them all. */
export const TEXT_FINDINGS_MAX = 200;

/**
 * The human report: a first line saying sound or broken with counts, then the findings grouped
 * by member, each as `severity CODE pointer: message`; past TEXT_FINDINGS_MAX only a count.
 */
export function renderValidation(report: ValidationReport): string {
  const { error, warning, info } = report.counts;
  const verdict = report.valid ? 'sound' : 'broken';
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(info, 'note')}`;
  const lines = [line`${report.target}: ` + `${verdict} (${counts})${report.strict ? ' [strict]' : ''}`];
  const shown = report.diagnostics.slice(0, TEXT_FINDINGS_MAX);
  for (const [member, found] of byMember(shown)) {
    lines.push(line`  ${member}`);
    for (const d of found) {
      const where = d.pointer ? line` ${d.pointer}` : '';
      lines.push(`    ${d.severity.padEnd(7)} ${d.code}${where}: ` + line`${d.message}`);
    }
  }
  const rest = report.diagnostics.length - shown.length;
  if (rest > 0) lines.push(`  … and ${rest} more finding(s) (${report.diagnostics.length} in all; use --json for all)`);
  return `${lines.join('\n')}\n`;
}

/**
 * The warnings and notes a writer found in what it wrote, one line each as validate prints them,
 * naming the file in the folder the user gave (`dir/manifest.json`); at most TEXT_FINDINGS_MAX.
 */
export function renderFindingLines(findings: readonly Diagnostic[], dir: string): string {
  const lines = findings.slice(0, TEXT_FINDINGS_MAX).map((d) => {
    const place = d.member === null ? dir : `${dir.replace(/\/+$/, '')}/${d.member}`;
    const where = d.pointer ? line` ${d.pointer}` : '';
    return line`${place}: ` + `${d.severity} ${d.code}${where}: ` + line`${d.message}`;
  });
  const rest = findings.length - lines.length;
  if (rest > 0) lines.push(`… and ${rest} more finding(s): run \`fnnx-kit validate\` on the result for all`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Artifact-wide findings first, then members in the order they were first mentioned. */
function byMember(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const groups = new Map<string, Diagnostic[]>([[ARTIFACT, []]]);
  for (const d of diagnostics) {
    const key = d.member ?? ARTIFACT;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(d);
  }
  if (groups.get(ARTIFACT)!.length === 0) groups.delete(ARTIFACT);
  return groups;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
