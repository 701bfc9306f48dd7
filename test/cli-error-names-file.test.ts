import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../src/cli/errors.js';
import { TarFormatError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/** Issue 25, item 9: every error line names the artifact or file it concerns, even where the message does not. */
describe('an error names the file it concerns', { timeout: 60_000 }, () => {
  let dir: string;
  let cut: string;
  beforeAll(() => {
    dir = tempDir('fnnx-error-names-');
    cut = join(dir, 'cut.fnnx');
    // A truncated archive: the reader's message says "truncated", not which file.
    writeFileSync(cut, readFileSync(CORPUS_TAR).subarray(0, 3000));
    writeFileSync(
      join(dir, 'entry.json'),
      JSON.stringify({ id: 'm', producer: 'p', producer_version: '1', producer_tags: [], payload: {} }),
    );
    writeFileSync(join(dir, 'card.html'), '<p>card</p>');
    // A single PUT to a port nothing listens on: the network error names the URL, not the file.
    writeFileSync(join(dir, 'details.json'), JSON.stringify({ type: 's3', url: 'http://127.0.0.1:9/up?X-Amz-Signature=s3cr3t' }));
    mkdirSync(join(dir, 'empty'));
  });

  const commands: [string, () => string[]][] = [
    ['inspect', () => ['inspect', cut]],
    ['describe', () => ['describe', cut, '-q']],
    ['validate', () => ['validate', cut]],
    ['verify', () => ['verify', cut, '--size', '1', '--sha256', '0'.repeat(64), '-q']],
    ['cat', () => ['cat', cut, 'manifest.json']],
    ['extract', () => ['extract', cut, '-C', join(dir, 'out'), '-q']],
    ['append-meta', () => ['append-meta', cut, '--entry', join(dir, 'entry.json')]],
    ['card show', () => ['card', 'show', cut]],
    ['card add', () => ['card', 'add', cut, join(dir, 'card.html'), '-q']],
    ['upload', () => ['upload', cut, '--details', join(dir, 'details.json'), '-q']],
    ['diff (the old side)', () => ['diff', cut, CORPUS_TAR]],
    ['diff (the new side)', () => ['diff', CORPUS_TAR, cut]],
    ['pack', () => ['pack', join(dir, 'empty'), '-o', join(dir, 'packed.fnnx'), '-q']],
  ];

  it.each(commands)('%s on a bad target names it in text', (_name, args) => {
    const argv = args();
    const r = runCli(argv);
    expect(r.code).not.toBe(0);
    const named = argv.includes(CORPUS_TAR) ? cut : argv[0] === 'card' ? argv[2]! : argv[1]!;
    expect(r.stderr + r.stdout).toContain(named);
  });

  // cat and card show print raw bytes: they have no --json.
  const withJson = commands.filter(([name]) => name !== 'cat' && name !== 'card show');
  it.each(withJson)('%s on a bad target names it in --json as error.artifact', (_name, args) => {
    const argv = args();
    const r = runCli([...argv, '--json']);
    const out = JSON.parse(r.stdout) as { error?: { artifact: string | null } } | { valid: boolean; target: string }[];
    const named = argv.includes(CORPUS_TAR) ? cut : argv[0] === 'card' ? argv[2]! : argv[1]!;
    // validate reports a broken artifact as its verdict, naming it as the report's target.
    if (Array.isArray(out)) expect(out.map((o) => o.target)).toContain(named);
    else if ('error' in out) expect(out.error?.artifact).toBe(named);
    else expect(JSON.stringify(out)).toContain(named);
  });

  it('download names the URL without its query string (a presigned URL carries credentials there)', () => {
    const url = 'http://127.0.0.1:9/models/x.fnnx?X-Amz-Signature=s3cr3t';
    const r = runCli(['download', url, '-o', join(dir, 'dl.fnnx'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http://127.0.0.1:9/models/x.fnnx');
    expect(r.stderr).not.toContain('s3cr3t');
    const j = JSON.parse(runCli(['download', url, '-o', join(dir, 'dl.fnnx'), '--json']).stdout) as {
      error: { artifact: string };
    };
    expect(j.error.artifact).toMatch(/^http:\/\/127\.0\.0\.1:9\/models\/x\.fnnx/);
    expect(j.error.artifact).not.toContain('s3cr3t');
  });

  it('the name comes first, escaped, and only where the message does not already say it', () => {
    const e = new TarFormatError('TRUNCATED_DATA', 'the archive ends inside a member');
    expect(formatError(e, false, 'a\u001b[2Jb.fnnx')).toMatch(/^fnnx-kit: a\\u001b\[2Jb\.fnnx: the archive ends/);
    const says = new TarFormatError('TRUNCATED_DATA', 'm.fnnx ends inside a member');
    expect(formatError(says, false, 'm.fnnx')).toMatch(/^fnnx-kit: m\.fnnx ends/);
    expect(formatError(e)).toMatch(/^fnnx-kit: the archive ends/);
  });
});
