import type { Diagnostic } from '../../validate/diagnostics.js';
import type { ValidationReport } from '../../validate/validate.js';

const ARTIFACT = '(artifact)';

/**
 * The human report: a first line saying sound or broken with counts, then the findings grouped
 * by member, each as `severity CODE pointer: message`.
 */
export function renderValidation(report: ValidationReport, escape: (s: string) => string = (s) => s): string {
  const { error, warning, info } = report.counts;
  const verdict = report.valid ? 'sound' : 'broken';
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(info, 'note')}`;
  const lines = [`${escape(report.target)}: ${verdict} (${counts})${report.strict ? ' [strict]' : ''}`];
  for (const [member, found] of byMember(report.diagnostics)) {
    lines.push(`  ${escape(member)}`);
    for (const d of found) {
      const where = d.pointer ? ` ${escape(d.pointer)}` : '';
      lines.push(`    ${d.severity.padEnd(7)} ${d.code}${where}: ${escape(d.message)}`);
    }
  }
  return `${lines.join('\n')}\n`;
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
