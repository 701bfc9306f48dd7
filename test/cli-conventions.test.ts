import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../src/cli/args/command.js';
import { buildProgram } from '../src/cli/main.js';
import { CONVENTIONS, commandPath } from '../src/cli/conventions.js';
import { progressLine } from '../src/cli/progress.js';
import { BIN, runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

function leafCommands(cmd: Command): Command[] {
  return cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap(leafCommands);
}
const leaves = leafCommands(await buildProgram()).map(commandPath);
const jsonCommands = leaves.filter((p) => !CONVENTIONS.get(p)?.raw);

/** Runs the CLI under a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function runOnTerminal(args: string[]): string {
  const line = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', line, '/dev/null'], { encoding: 'utf8' });
  expect(r.status, r.stdout).toBe(0);
  return r.stdout;
}

const ERROR_LINE = /^fnnx-kit: .+ \([A-Z][A-Z0-9_]+\)\n {2}hint: .+\n$/;

describe('every command follows the same conventions', () => {
  it('every command has an entry in the conventions table (examples, json, progress)', () => {
    expect(leaves.length).toBeGreaterThan(10);
    expect(leaves.filter((p) => !CONVENTIONS.has(p))).toEqual([]);
    expect([...CONVENTIONS.keys()].filter((p) => !leaves.includes(p))).toEqual([]);
  });

  it("each command's --help shows two or three examples that start with fnnx-kit and the command", () => {
    for (const path of leaves) {
      const r = runCli([...path.split(' '), '--help']);
      expect(r.code, path).toBe(0);
      const examples = [...r.stdout.slice(r.stdout.indexOf('Examples:')).matchAll(/^ {2}\$ (.*)$/gm)].map((m) => m[1]!);
      expect(examples.length, path).toBeGreaterThanOrEqual(2);
      expect(examples.length, path).toBeLessThanOrEqual(3);
      for (const e of examples) expect(e.startsWith(`fnnx-kit ${path} `), e).toBe(true);
    }
  });

  it('the top-level help lists the exit codes 0, 1 and 2', () => {
    const r = runCli(['--help']);
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 .+\n {2}1 .+\n {2}2 .+/);
  });

  it('`help card add` shows the help of `card add`, not of `card`', () => {
    const r = runCli(['help', 'card', 'add']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: fnnx-kit card add /);
    expect(r.stdout).toContain('--asset');
  });

  it('--json is accepted by every command that can print JSON, describe and index included', () => {
    for (const path of jsonCommands) expect(runCli([...path.split(' '), '--help']).stdout, path).toContain('--json');
    const artifact = join(tempDir(), 'model.fnnx');
    copyFileSync(CORPUS_TAR, artifact);
    for (const cmd of ['describe', 'index']) {
      const r = runCli([cmd, '--json', artifact]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toBeTypeOf('object');
    }
  });

  it('with --json a failure is {"error": {code, message, member, hint, artifact}} on stdout, with the usual exit code', () => {
    const missing = join(tempDir(), 'nope.fnnx');
    for (const path of jsonCommands) {
      const args = [...path.split(' '), '--json', missing];
      if (path === 'download') args[2] = 'ftp://example.com/x.fnnx';
      if (path === 'extract' || path === 'pack') args.push(path === 'pack' ? '-o' : '-C', join(tempDir(), 'out'));
      if (path === 'append-meta') args.push('--entry', missing);
      if (path === 'patch-manifest') args.push('--patch', missing);
      if (path === 'card add') args.push(missing);
      if (path === 'verify') args.push('--size', '1', '--sha256', '0'.repeat(64));
      const r = runCli(args);
      expect(r.code, `${path}: ${r.stdout}${r.stderr}`).toBe(2);
      const doc = JSON.parse(r.stdout) as { error: Record<string, unknown> };
      expect(Object.keys(doc.error).sort(), path).toEqual(['artifact', 'code', 'hint', 'member', 'message']);
      expect(doc.error.code, path).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(r.stderr, path).toBe('');
    }
  });

  it('when stdout carries the artifact (pack -o -), the --json error goes to stderr instead of into the tar stream', () => {
    const r = runCli(['pack', join(tempDir(), 'nope'), '-o', '-', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('validate --json > report.json never leaves an empty file: a usage error is JSON too', () => {
    const r = runCli(['validate', '--json', '--bogus', CORPUS_TAR]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'UNKNOWN_OPTION' } });
  });

  it("commander's usage errors are one documented line and a hint: unknown option, missing argument, unknown command, missing option", () => {
    const cases: Array<[string[], string]> = [
      [['inspect', '--bogus', CORPUS_TAR], 'UNKNOWN_OPTION'],
      [['cat', CORPUS_TAR], 'MISSING_ARGUMENT'],
      [['frobnicate'], 'UNKNOWN_COMMAND'],
      [['pack', tempDir()], 'MISSING_OPTION'],
      [['inspect', '--index'], 'MISSING_OPTION_VALUE'],
    ];
    for (const [args, code] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(ERROR_LINE);
      expect(r.stderr, args.join(' ')).toContain(`(${code})`);
    }
    expect(runCli(['cat', CORPUS_TAR]).stderr).toContain('hint: see fnnx-kit cat --help');
    // Commander's suggestion is the hint, not an escaped second line of the error.
    expect(runCli(['inspekt', CORPUS_TAR]).stderr).toMatch(
      /^fnnx-kit: unknown command 'inspekt' \(UNKNOWN_COMMAND\)\n {2}hint: Did you mean inspect\? Otherwise see fnnx-kit --help\n$/,
    );
  });

  it('every command that draws progress takes -q; extract and card add draw it on a terminal, and -q silences it', () => {
    for (const [path, c] of CONVENTIONS) {
      if (c.progress) expect(runCli([...path.split(' '), '--help']).stdout, path).toMatch(/-q, --quiet/);
    }
    const dir = tempDir();
    const artifact = join(dir, 'a.fnnx');
    copyFileSync(CORPUS_TAR, artifact);
    writeFileSync(join(dir, 'card.html'), '<h1>card</h1>');
    const bar = /\r\x1b\[K\[[#-]{24}\] +\d+%/;
    expect(runOnTerminal(['extract', artifact, '-C', join(dir, 'x1')])).toMatch(bar);
    expect(runOnTerminal(['extract', '-q', artifact, '-C', join(dir, 'x2')])).not.toMatch(bar);
    expect(runOnTerminal(['card', 'add', artifact, join(dir, 'card.html')])).toMatch(bar);
    expect(runOnTerminal(['card', 'add', '-q', artifact, join(dir, 'card.html')])).not.toMatch(bar);
  });

  it('--index works on card show, as on every command that reads members by name', () => {
    const dir = tempDir();
    const artifact = join(dir, 'a.fnnx');
    copyFileSync(CORPUS_TAR, artifact);
    writeFileSync(join(dir, 'card.html'), '<h1>indexed</h1>');
    expect(runCli(['card', 'add', artifact, join(dir, 'card.html')]).code).toBe(0);
    writeFileSync(join(dir, 'index.json'), runCli(['index', artifact]).stdout);
    const r = runCli(['card', 'show', '--index', join(dir, 'index.json'), artifact]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('<h1>indexed</h1>');
    // The index is used, not ignored: one that names no card is believed.
    writeFileSync(join(dir, 'empty.json'), '{}');
    expect(runCli(['card', 'show', '--index', join(dir, 'empty.json'), artifact]).stderr).toContain('(NO_MODEL_CARD)');
  });
});

describe('progress frames', () => {
  it('the first frame shows no rate and no ETA (one instant says nothing about the speed)', () => {
    const first = progressLine('describe', 64 << 20, 1 << 30, 3);
    expect(first).not.toMatch(/ETA|\/s/);
    expect(first).toContain('6%');
  });

  it('once the rate has settled it shows rate and a sensible ETA', () => {
    const later = progressLine('describe', 512 << 20, 1 << 30, 2000);
    expect(later).toMatch(/256\.0 MiB\/s/);
    expect(later).toMatch(/ETA 2s/);
  });
});
