import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, type Code, type ErrorKind } from '../src/codes.js';
import { errorJson } from '../src/cli/conventions.js';
import { formatError } from '../src/cli/errors.js';
import { FnnxError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/** Issue 25, item 9: the README promises a hint line after every error; each code has one saying what to do. */
describe('hints', () => {
  const thrown = Object.entries(CODES).flatMap(([code, entry]) =>
    ((entry as { error?: readonly ErrorKind[] }).error ?? []).map((kind) => [code as Code, kind] as const),
  );

  it.each(thrown)('%s (%s) printed without a hint of its own still ends with one, in text and in --json', (code, kind) => {
    const e = new FnnxError(code as never, kind, 'something happened');
    const text = formatError(e);
    expect(text).toMatch(/\n {2}hint: \S.+\n$/);
    expect(errorJson(e).error.hint).toMatch(/\S/);
  });

  it("a thrower's own hint wins over the code's", () => {
    const e = new FnnxError('NOT_FOUND', 'io', 'x is missing', { hint: 'the precise one' });
    expect(formatError(e)).toMatch(/hint: the precise one\n$/);
  });

  it("the issue's codes say what to do through the CLI: a truncated artifact, a missing member, a dead host", () => {
    const dir = tempDir('fnnx-hints-');
    const cut = join(dir, 'cut.fnnx');
    writeFileSync(cut, readFileSync(CORPUS_TAR).subarray(0, 3000));
    expect(runCli(['inspect', cut]).stderr).toMatch(/\(TRUNCATED_DATA\)\n {2}hint: the file is cut short/);
    expect(runCli(['cat', CORPUS_TAR, 'nope.json']).stderr).toMatch(
      /\(NO_SUCH_MEMBER\)\n {2}hint: `fnnx-kit inspect FILE` lists the members/,
    );
    const dead = runCli(['inspect', 'http://127.0.0.1:9/x.fnnx']);
    expect(dead.stderr).toMatch(/\((NETWORK_ERROR)\)\n {2}hint: \S/);
  });
});
