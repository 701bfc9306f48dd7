/** The reading commands as a user runs them (the built bin): inspect, index, cat, errors, help. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from './helpers/cli.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { artifact, packTar } from './helpers/foreign-pack.js';

const ONNX = 'ops_artifacts/linreg/model.onnx';

/** An error is one `fnnx-kit: ... (CODE)` line, maybe a `  hint:` line, and never a stack. */
function expectErrorLine(r: CliResult, code: string): void {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines[0]).toMatch(new RegExp(`^fnnx-kit: .*\\(${code}\\)$`));
  expect(lines.slice(1).every((l) => l.startsWith('  hint: '))).toBe(true);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

function writeTemp(name: string, data: string | Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, data);
  return path;
}

let corpusReport: CliResult | undefined;
/** `inspect --json` of the corpus tar, run once for the tests that read it. */
const inspectCorpusJson = () => (corpusReport ??= runCli(['inspect', '--json', CORPUS_TAR]));

describe('inspect', () => {
  it('prints the summary with the inputs/outputs table and the ops with their types', () => {
    const r = runCli(['inspect', CORPUS_TAR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Inputs \/ outputs\n\s+name\s+content\s+dtype\s+shape\n\s+input\s+x\s+NDJSON\s+Array\[float32\]/);
    expect(r.stdout).toMatch(/output\s+y4\s+NDJSON\s+Array\[float32\]/);
    expect(r.stdout).toMatch(/Ops\n\s+id\s+op\n\s+linreg\s+ONNX_v1\n/);
    expect(r.stdout).toMatch(/concat_reduce\s+ONNX_v1/);
    expect(r.stdout).toContain('ROOT_FILE_TYPE');
  });

  it('--json prints an object with manifest, ops, variant_config, dtypes, env, metadata, file_index, metrics, warnings', () => {
    const r = inspectCorpusJson();
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['manifest', 'ops', 'variant_config', 'dtypes', 'env', 'metadata', 'file_index', 'metrics', 'warnings']),
    );
    expect(report.file_index).toEqual(pythonFileIndex(CORPUS_TAR));
    expect((report.manifest as { variant: string }).variant).toBe('pipeline');
  });

  it('reads the directory form to the same JSON (file_index aside)', () => {
    const fromTar = JSON.parse(inspectCorpusJson().stdout) as Record<string, unknown>;
    const fromDir = JSON.parse(runCli(['inspect', '--json', CORPUS_DIR]).stdout) as Record<string, unknown>;
    for (const key of ['manifest', 'ops', 'variant_config', 'dtypes', 'env', 'metadata', 'metrics'])
      expect(fromDir[key]).toEqual(fromTar[key]);
  });
});

describe('index', () => {
  it("prints Python's file_index for the corpus tar, one member per line", () => {
    const r = runCli(['index', CORPUS_TAR]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(pythonFileIndex(CORPUS_TAR));
    expect(r.stdout.split('\n')[1]).toMatch(/^ {2}"env\.json": \[\d+, 3\],$/);
  });
});

describe('cat', () => {
  it('writes an ONNX member byte-equal to the file it was packed from', () => {
    const r = runCli(['cat', CORPUS_TAR, ONNX]);
    expect(r.code).toBe(0);
    expect(r.stdoutBytes.equals(readFileSync(join(CORPUS_DIR, ONNX)))).toBe(true);
  });

  it('--index reads members by the given file_index without walking (a lying index shows it is used)', () => {
    const index = pythonFileIndex(CORPUS_TAR);
    const honest = writeTemp('index.json', JSON.stringify(index));
    expect(
      runCli(['cat', '--index', honest, CORPUS_TAR, 'manifest.json']).stdoutBytes.equals(readFileSync(join(CORPUS_DIR, 'manifest.json'))),
    ).toBe(true);
    const lying = writeTemp('lying.json', JSON.stringify({ ...index, 'manifest.json': index['ops.json'] }));
    expect(
      runCli(['cat', '--index', lying, CORPUS_TAR, 'manifest.json']).stdoutBytes.equals(readFileSync(join(CORPUS_DIR, 'ops.json'))),
    ).toBe(true);
  });

  it('--index accepts an upload descriptor carrying file_index, and inspect uses it too', () => {
    const descriptor = writeTemp('upload.json', JSON.stringify({ file_name: 'x.fnnx', file_index: pythonFileIndex(CORPUS_TAR) }));
    const r = runCli(['inspect', '--json', '--index', descriptor, CORPUS_TAR]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { file_index: unknown }).file_index).toEqual(pythonFileIndex(CORPUS_TAR));
  });
});

describe('exit codes and error lines', () => {
  it('1 for a file that is not a tar (NOT_A_TAR)', () => {
    const r = runCli(['inspect', writeTemp('notes.fnnx', 'this is not a tar archive\n'.repeat(40))]);
    expect(r.code).toBe(1);
    expectErrorLine(r, 'NOT_A_TAR');
  });

  it('1 for a gzip-compressed artifact (COMPRESSED)', () => {
    const r = runCli(['index', writeTemp('a.fnnx', new Uint8Array([0x1f, 0x8b, 8, 0, ...new Array(600).fill(0)]))]);
    expect(r.code).toBe(1);
    expectErrorLine(r, 'COMPRESSED');
  });

  it('1 for a tar without manifest.json (ROOT_FILE_MISSING, naming it)', async () => {
    const path = writeTemp('a.fnnx', await packTar(artifact().filter(([n]) => n !== 'manifest.json')));
    const r = runCli(['inspect', path]);
    expect(r.code).toBe(1);
    expectErrorLine(r, 'ROOT_FILE_MISSING');
    // The file first (the reader's message does not say it), then the member.
    expect(r.stderr.startsWith(`fnnx-kit: ${path}: manifest.json: `)).toBe(true);
  });

  it('1 for an --index range outside the file (BAD_INDEX)', () => {
    const r = runCli(['cat', '--index', writeTemp('i.json', '{"manifest.json": [999999999, 10]}'), CORPUS_TAR, 'manifest.json']);
    expect(r.code).toBe(1);
    expectErrorLine(r, 'BAD_INDEX');
  });

  it('2 for a missing file (NOT_FOUND)', () => {
    const r = runCli(['inspect', join(tempDir(), 'nope.fnnx')]);
    expect(r.code).toBe(2);
    expectErrorLine(r, 'NOT_FOUND');
  });

  it('2 for a member that is not there (NO_SUCH_MEMBER)', () => {
    const r = runCli(['cat', CORPUS_TAR, 'ops_artifacts/nope/model.onnx']);
    expect(r.code).toBe(2);
    expectErrorLine(r, 'NO_SUCH_MEMBER');
  });

  it('2 for an unreadable --index file (BAD_INDEX_FILE)', () => {
    const r = runCli(['index', '--index', writeTemp('i.json', '[1, 2]'), CORPUS_TAR]);
    expect(r.code).toBe(2);
    expectErrorLine(r, 'BAD_INDEX_FILE');
  });

  it('2 for usage errors: a missing argument, an unknown option, an unknown command', () => {
    for (const args of [['cat', CORPUS_TAR], ['inspect', '--bogus', CORPUS_TAR], ['frobnicate']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--debug adds the stack to the error', () => {
    const r = runCli(['--debug', 'inspect', join(tempDir(), 'nope.fnnx')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(NOT_FOUND\)\n[\s\S]*\n\s+at /);
  });
});

describe('--help', () => {
  const commands = (() => {
    const top = runCli(['--help']).stdout;
    return [...top.slice(top.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  })();

  it('lists the reading commands', () => {
    expect(commands).toEqual(expect.arrayContaining(['inspect', 'index', 'cat']));
  });

  it('--version prints the package version alone, exit 0', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('every command answers --help with its usage and exit 0', () => {
    for (const cmd of commands) {
      const r = runCli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Usage: fnnx-kit ${cmd} `));
    }
  });
});
