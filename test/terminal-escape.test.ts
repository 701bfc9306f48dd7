/**
 * What reaches a terminal is escaped: every text-mode command run on an artifact whose every
 * string carries ESC[2J, an OSC title, BEL, CR/LF, a C1 CSI and U+202E writes none of them raw;
 * JSON (`--json`, describe's descriptor, errors) keeps the exact strings with every one of them
 * written as a JSON escape (JSON.stringify escapes C0; C1, DEL, bidi and U+2028/2029 we escape).
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { printable, printableJson } from '../src/safety/printable.js';
import { jsonPieces } from '../src/cli/render/json-text.js';
import { EVIL, RAW_UNSAFE, escapesArtifact, soundTar } from './helpers/hostile-corpus.js';
import { file as fileMember } from './helpers/hostile-tar.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';

let dir: string;
let artifact: string;
let server: RangeServer;

beforeAll(async () => {
  dir = tempDir('fnnx-escape-');
  artifact = join(dir, 'evil.fnnx');
  writeFileSync(artifact, escapesArtifact());
  server = await startRangeServer(dir);
});
afterAll(async () => {
  await server?.close();
});

function expectNoRawControl(r: CliResult, what: string): void {
  expect(RAW_UNSAFE.exec(r.stdout), `${what}: stdout\n${r.stdout}`).toBeNull();
  expect(RAW_UNSAFE.exec(r.stderr), `${what}: stderr\n${r.stderr}`).toBeNull();
}

describe('printable', () => {
  it('escapes C0, DEL, C1, bidi overrides/isolates/marks and line separators, and nothing else', () => {
    expect(printable('a\u001b[2J\u0007\r\n\t\u0000\u007f\u0085\u009b\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069z')).toBe(
      'a\\u001b[2J\\u0007\\r\\n\\t\\0\\u007f\\u0085\\u009b\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069z',
    );
    expect(printable('naïve 模型 ✓ ../a b')).toBe('naïve 模型 ✓ ../a b');
  });

  it('printableJson keeps the JSON value exact while escaping what JSON.stringify leaves raw', () => {
    const text = printableJson(JSON.stringify({ [EVIL]: [EVIL] }, null, 2));
    expect(RAW_UNSAFE.exec(text)).toBeNull();
    expect(JSON.parse(text)).toEqual({ [EVIL]: [EVIL] });
    expect(text.split('\n')).toHaveLength(5);
  });
});

describe('jsonPieces', () => {
  it('writes any JSON value as JSON.stringify(value, null, 2) does, with raw C1/DEL/bidi/separators escaped, parsing back exact', () => {
    const unsafe = fc.constantFrom(
      '\u007f',
      '\u0085',
      '\u009b',
      '\u061c',
      '\u200e',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2066',
      '\u2069',
      'a',
      '\n',
      '"',
    );
    const text = fc.array(unsafe, { maxLength: 8 }).map((c) => c.join(''));
    const value = fc.letrec((tie) => ({
      json: fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('arr'), tie('obj')),
      arr: fc.array(tie('json'), { maxLength: 4 }),
      obj: fc.dictionary(text, tie('json'), { maxKeys: 4 }),
    })).json;
    fc.assert(
      fc.property(value, (v) => {
        const out = [...jsonPieces(v)].join('');
        expect(out).toBe(printableJson(JSON.stringify(v, null, 2)));
        expect(RAW_UNSAFE.exec(out)).toBeNull();
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a string longer than one slice (64 Ki characters) exactly as whole: no surrogate pair split at a slice end, escapes kept', () => {
    const cases: string[] = [];
    for (let k = -2; k <= 2; k++) {
      // A pair, a lone high surrogate and a lone low one placed at and around the slice end.
      cases.push(`${'a'.repeat(65535 + k)}\u{1F600}\u009b\u202e"\n${'b'.repeat(70000)}`);
      cases.push(`${'a'.repeat(65535 + k)}\ud800x\udc00${'c'.repeat(140000)}\u2028`);
    }
    for (const s of cases) {
      const out = [...jsonPieces({ description: s })].join('');
      expect(out).toBe(printableJson(JSON.stringify({ description: s }, null, 2)));
      expect(RAW_UNSAFE.exec(out)).toBeNull();
      expect((JSON.parse(out) as { description: string }).description).toBe(s);
    }
  });
});

describe('every text command on an artifact full of terminal escapes', () => {
  const reads: string[][] = [
    ['inspect'],
    ['index'],
    ['validate'],
    ['validate', '--strict'],
    ['describe'],
    ['cat', '_', `${EVIL}-missing`],
    ['card', 'show'],
  ];
  for (const argv of reads) {
    it(`${printable(argv.join(' '))} writes no raw control or bidi character`, () => {
      const [command, ...rest] = argv;
      const args = rest[0] === '_' ? [command!, artifact, ...rest.slice(1)] : [command!, ...rest, artifact];
      const r = runCli(args);
      expect(r.stderr).not.toContain('(INTERNAL)');
      expectNoRawControl(r, argv.join(' '));
    });
  }

  it('inspect shows the names escaped (the forged line is not a line of its own)', () => {
    const r = runCli(['inspect', artifact]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(printable(EVIL));
    expect(r.stdout.split('\n').some((l) => l.startsWith('fnnx-kit: all good'))).toBe(false);
  });

  it('index prints JSON that parses back to the exact names', () => {
    const r = runCli(['index', artifact]);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toContain(EVIL);
  });

  it('extract names the refused member escaped, and says what it wrote', () => {
    const r = runCli(['extract', artifact, '-C', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`fnnx-kit: ${printable(`../${EVIL}`)}:`);
    expectNoRawControl(r, 'extract');
  });

  it('append-meta and patch-manifest print the appended names escaped', () => {
    const copy = join(dir, 'append.fnnx');
    copyFileSync(artifact, copy);
    writeFileSync(
      join(dir, 'entry.json'),
      JSON.stringify({ id: 'card1', producer: EVIL, producer_version: '1', producer_tags: [EVIL], payload: {} }),
    );
    writeFileSync(join(dir, 'att.txt'), 'x');
    const meta = runCli(['append-meta', copy, '--entry', join(dir, 'entry.json'), '--attach', `${EVIL}.txt=${join(dir, 'att.txt')}`]);
    expect(meta.code, meta.stderr).toBe(0);
    expect(meta.stdout).toContain(printable(`${EVIL}.txt`));
    expectNoRawControl(meta, 'append-meta');
    writeFileSync(join(dir, 'patch.json'), JSON.stringify([{ op: 'replace', path: '/description', value: EVIL }]));
    const patch = runCli(['patch-manifest', copy, '--patch', join(dir, 'patch.json')]);
    expectNoRawControl(patch, 'patch-manifest');
  });

  it('verify lists file_index differences with the names escaped', () => {
    const desc = join(dir, 'verify-descriptor.json');
    writeFileSync(desc, JSON.stringify({ file_hash: '0'.repeat(64), file_index: { [`${EVIL}.gone`]: [0, 1] } }));
    const r = runCli(['verify', artifact, '--descriptor', desc]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(printable(`${EVIL}.gone`));
    expectNoRawControl(r, 'verify');
  });

  it('download reports a file_index mismatch with the member name escaped', async () => {
    writeFileSync(join(dir, 'plain.fnnx'), soundTar());
    const desc = join(dir, 'download-descriptor.json');
    writeFileSync(desc, JSON.stringify({ file_index: { [EVIL]: [0, 1] } }));
    const r = await runCliAsync(['download', server.url('plain.fnnx'), '-o', join(dir, 'got.fnnx'), '--descriptor', desc]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INDEX_MISMATCH');
    expectNoRawControl(r, 'download');
  });

  it('--debug stack traces are escaped too', () => {
    const r = runCli(['cat', artifact, `${EVIL}-missing`, '--debug']);
    expect(r.code).toBe(2);
    expectNoRawControl(r, 'cat --debug');
  });
});

describe('--json stays exact JSON, with nothing raw for a terminal', () => {
  /** Every character JSON.stringify leaves raw that a terminal acts on, one per member name. */
  const RAW_IN_JSON = [
    '\u007f',
    '\u0085',
    '\u009b',
    '\u061c',
    '\u200e',
    '\u200f',
    '\u2028',
    '\u2029',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
  ];

  it('inspect --json and validate --json carry every string exactly, C1 and bidi written as \\uXXXX', () => {
    const inspect = runCli(['inspect', artifact, '--json']);
    expect(inspect.code).toBe(0);
    expectNoRawControl(inspect, 'inspect --json');
    const doc = JSON.parse(inspect.stdout) as { manifest: { name: string }; members: Array<{ name: string }> };
    expect(doc.manifest.name).toBe(EVIL);
    expect(doc.members.map((m) => m.name)).toContain(EVIL);
    expect(inspect.stdout).toContain('\\u009b31m\\u202egnp.exe');
    const validate = runCli(['validate', artifact, '--json']);
    expectNoRawControl(validate, 'validate --json');
    const report = JSON.parse(validate.stdout) as { diagnostics: Array<{ member: string | null }> };
    expect(report.diagnostics.some((d) => d.member === `../${EVIL}`)).toBe(true);
  });

  it('describe on member names holding C1, DEL, bidi and separators: no raw character, and the names parse back exact', () => {
    const names = RAW_IN_JSON.map((c, i) => `meta_artifacts/n${i}${c}x.txt`);
    const file = join(dir, 'raw-in-json.fnnx');
    writeFileSync(file, soundTar(names.map((n) => fileMember(n, 'x'))));
    const r = runCli(['describe', file]);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, 'describe');
    for (const c of RAW_IN_JSON) expect(r.stdout).toContain(`\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}x.txt`);
    const index = (JSON.parse(r.stdout) as { file_index: Record<string, unknown> }).file_index;
    for (const n of names) expect(Object.keys(index)).toContain(n);
    const json = runCli(['inspect', file, '--json']);
    expectNoRawControl(json, 'inspect --json');
    expect((JSON.parse(json.stdout) as { members: Array<{ name: string }> }).members.map((m) => m.name)).toEqual(
      expect.arrayContaining(names),
    );
  });

  it('an error as --json escapes the names it quotes, and parses back to them', () => {
    const missing = join(dir, `${EVIL}\u2028\u0085.fnnx`);
    const r = runCli(['inspect', missing, '--json']);
    expect(r.code).toBe(2);
    expectNoRawControl(r, 'inspect --json of a missing file');
    const { error } = JSON.parse(r.stdout) as { error: { code: string; member: string | null; message: string } };
    expect(`${error.member} ${error.message}`).toContain(missing);
  });
});
