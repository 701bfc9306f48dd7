import { constants } from 'node:os';
/**
 * One table of codes (src/codes.ts): every code a source file uses is in it, every code in it is
 * used and documented, and the documented table is the current one.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { CODES, artifactCodeOf, isCode, type ErrorCode } from '../src/codes.js';
import { ArtifactError, FnnxError, LimitError, UsageError, isFnnxError } from '../src/errors.js';
import { BEGIN, CODES_DOC, END, codesMarkdown, documentsWithCodes } from '../scripts/codes-doc.mjs';

const ROOT = join(import.meta.dirname, '..');

/** UPPER_SNAKE string literals that are not codes, each with why it appears in src/. */
const NOT_CODES = new Map([
  ['GET', 'an HTTP method'],
  ['PUT', 'an HTTP method'],
  ['POST', 'an HTTP method'],
  ['DELETE', 'an HTTP method'],
  ['HEAD', 'an HTTP method'],
  ['OPERATION_PATH_UNRESOLVABLE', "fast-json-patch's error name"],
  ['OPERATION_PATH_CANNOT_ADD', "fast-json-patch's error name"],
  ['EPIPE', 'a Node errno code'],
  ['EACCES', 'a Node errno code'],
  ['EEXIST', 'a Node errno code'],
  ['EISDIR', 'a Node errno code'],
  ['ENOENT', 'a Node errno code'],
  ['SIGINT', 'a signal name'],
  ['SIGTERM', 'a signal name'],
  ['SIGKILL', 'a signal name'],
  ['FIFO', 'a word in a message'],
  ['JSON', 'an FNNX content type'],
  ['NDJSON', 'an FNNX content type'],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every quoted UPPER_SNAKE literal in src/ (outside codes.ts), with where it is. */
function literalsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    if (file.endsWith('codes.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)['"`]/g)) {
      if (m[1]!.length > 2 && !found.has(m[1]!)) found.set(m[1]!, relative(ROOT, file));
    }
  }
  return found;
}

describe('the table of codes', () => {
  it('lists every code a source file uses (a code outside the table fails here and in tsc)', () => {
    const unlisted = [...literalsInSource()]
      .filter(([code]) => !isCode(code) && !NOT_CODES.has(code) && !Object.hasOwn(constants.errno, code))
      .map(([code, file]) => `${code} (${file})`);
    expect(unlisted).toEqual([]);
  });

  it('holds no code that no source file uses', () => {
    const used = literalsInSource();
    expect(Object.keys(CODES).filter((code) => !used.has(code))).toEqual([]);
  });

  it('gives every code an UPPER_SNAKE name, a use and a one-line meaning', () => {
    for (const [code, entry] of Object.entries(CODES) as Array<
      [string, { error?: readonly string[]; diagnostic?: true; warning?: true; about: string }]
    >) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(entry.about.trim().length, code).toBeGreaterThan(10);
      expect(entry.about, code).not.toContain('\n');
      expect((entry.error?.length ?? 0) > 0 || entry.diagnostic || entry.warning, code).toBeTruthy();
    }
  });

  it('is documented: every document with the codes markers holds the current table', () => {
    const docs = documentsWithCodes();
    expect(docs[0]).toBe(CODES_DOC);
    const table = codesMarkdown(CODES);
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      expect(text, `${doc} has lost its codes markers`).toContain(BEGIN);
      const region = text.slice(text.indexOf(BEGIN) + BEGIN.length, text.indexOf(END)).trim();
      expect(region, `${doc} is stale: npm run build && node scripts/codes-doc.mjs`).toBe(table);
      for (const code of Object.keys(CODES)) expect(region, doc).toContain(`| \`${code}\` |`);
    }
  });

  it('retires every old spelling CHANGELOG.md lists as renamed (none is still a code)', () => {
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    const renamed = changelog
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      // A row whose old code is qualified ("X (entry not an object)") moved one use of a code that stays.
      .filter((line) => !line.split('|')[1]!.includes('('))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
    expect(renamed).toContain('MISSING_ROOT_FILE');
    expect(renamed.filter((old) => isCode(old))).toEqual([]);
  });
});

describe('isFnnxError', () => {
  it('narrows to an FnnxError, and to one code when given', () => {
    const e: unknown = new LimitError('maxJsonMember', 'too big');
    expect(isFnnxError(e)).toBe(true);
    expect(isFnnxError(e, 'LIMIT_EXCEEDED')).toBe(true);
    expect(isFnnxError(e, 'JSON_INVALID')).toBe(false);
    expect(isFnnxError(new Error('x'))).toBe(false);
    if (isFnnxError(e, 'LIMIT_EXCEEDED')) expectTypeOf(e.code).toEqualTypeOf<'LIMIT_EXCEEDED'>();
    if (isFnnxError(e)) expectTypeOf(e.code).toEqualTypeOf<ErrorCode>();
    // @ts-expect-error an unlisted code is refused by the type checker
    expect(isFnnxError(e, 'NO_SUCH_CODE')).toBe(false);
  });

  it('types FnnxError codes by the table: an unlisted code does not compile', () => {
    // @ts-expect-error 'BAD_JSON' is an old spelling, not in the table
    expect(new ArtifactError('BAD_JSON', 'x').code).toBe('BAD_JSON');
    expect(new UsageError('BAD_OPTION', 'x')).toBeInstanceOf(FnnxError);
  });

  it('reports an artifact error as a diagnostic code, and refuses to for usage or I/O', () => {
    expect(artifactCodeOf(new ArtifactError('JSON_INVALID', 'x'))).toBe('JSON_INVALID');
    expect(artifactCodeOf(new UsageError('NO_SUCH_MEMBER', 'x'))).toBeUndefined();
  });
});
