import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, MINIMAL_DIR } from './helpers/paths.js';

/**
 * Issue 25, item 9: a hook validates many files at once. `validate` and `inspect` take several
 * targets, run each in turn (one that cannot be read does not stop the rest), and exit with the
 * worst status; --json prints one array. One target prints exactly what it always did.
 */
const MISSING = '/nonexistent/model.fnnx';

describe('several targets', () => {
  it('validate: a sound folder, a broken tar and a missing file: every report printed, the error on stderr, exit 2 (the worst)', () => {
    const r = runCli(['validate', MINIMAL_DIR, CORPUS_TAR, MISSING]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${MINIMAL_DIR}: sound`);
    expect(r.stdout).toContain(`${CORPUS_TAR}: broken`);
    expect(r.stderr).toMatch(/^fnnx-kit: .*model\.fnnx: no such file or directory \(NOT_FOUND\)\n {2}hint: /);
  });

  it('validate: sound and broken exit 1; sound alone exits 0', () => {
    expect(runCli(['validate', MINIMAL_DIR, CORPUS_TAR]).code).toBe(1);
    expect(runCli(['validate', MINIMAL_DIR, MINIMAL_DIR]).code).toBe(0);
  });

  it('validate --json: one array in the order given, an unreadable target as {target, error}', () => {
    const r = runCli(['validate', MINIMAL_DIR, MISSING, '--json']);
    expect(r.code).toBe(2);
    const reports = JSON.parse(r.stdout) as Array<{ target: string; valid?: boolean; error?: { code: string; hint: string } }>;
    expect(reports.map((x) => x.target)).toEqual([MINIMAL_DIR, MISSING]);
    expect(reports[0]!.valid).toBe(true);
    expect(reports[1]!.error).toMatchObject({ code: 'NOT_FOUND', hint: expect.any(String) });
  });

  it('inspect: each summary in turn, --json an array; one target still prints one object', () => {
    const text = runCli(['inspect', CORPUS_TAR, MINIMAL_DIR]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.indexOf(CORPUS_TAR)).toBeLessThan(text.stdout.indexOf(MINIMAL_DIR));
    const many = JSON.parse(runCli(['inspect', CORPUS_TAR, MINIMAL_DIR, '--json']).stdout) as Array<{ source: string }>;
    expect(many.map((x) => x.source)).toEqual([CORPUS_TAR, MINIMAL_DIR]);
    const one = JSON.parse(runCli(['inspect', CORPUS_TAR, '--json']).stdout) as { source: string };
    expect(one.source).toBe(CORPUS_TAR);
  });
});
