import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';

/** The one documented error line (and its hint) for a failed run; fails the test if there is none. */
function errorOf(r: { code: number; stderr: string }): { message: string; code: string; hint: string } {
  const m = /^fnnx-kit: (.+) \(([A-Z][A-Z0-9_]+)\)\n(?: {2}hint: (.+)\n)?$/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return { message: m![1]!, code: m![2]!, hint: m![3] ?? '' };
}

function artifactCopy(name = 'model.fnnx'): string {
  const path = join(tempDir(), name);
  copyFileSync(CORPUS_TAR, path);
  return path;
}

describe('messages a newcomer understands', () => {
  it('describe and index of a plain folder say "is a directory: pack it first" (not "rename the file", not [0, size])', () => {
    const folder = join(tempDir(), 'model');
    mkdirSync(folder);
    for (const args of [
      ['describe', folder],
      ['index', CORPUS_DIR],
      ['describe', CORPUS_DIR],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      const e = errorOf(r);
      expect(e.code).toBe('IS_A_DIRECTORY');
      expect(e.message).toContain('is a directory: pack it first (fnnx-kit pack ');
      expect(r.stdout).toBe('');
    }
  });

  it('pack of a missing folder or of a file says so plainly (exit 2), not an internal error', () => {
    const missing = runCli(['pack', join(tempDir(), 'nope'), '-o', join(tempDir(), 'a.fnnx')]);
    expect(missing.code).toBe(2);
    expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no such file or directory') });
    const file = runCli(['pack', CORPUS_TAR, '-o', join(tempDir(), 'a.fnnx')]);
    expect(file.code).toBe(2);
    expect(errorOf(file)).toMatchObject({ code: 'NOT_A_DIRECTORY', message: expect.stringContaining('is a file, not a folder') });
  });

  it('https:// to a plain-HTTP port says the server speaks plain HTTP and to try http://, without retrying', async () => {
    const server = createServer((_req, res) => res.end('plain'));
    let connections = 0;
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await runCliAsync(['inspect', `https://127.0.0.1:${port}/model.fnnx`]);
      expect(r.code).toBe(2);
      const e = errorOf(r);
      expect(e.code).toBe('TLS_ERROR');
      expect(e.message).toContain('plain HTTP');
      expect(e.hint).toContain('http://');
      // A protocol mismatch does not heal on retry: one connection, no backoff rounds.
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });

  it('an unsupported scheme (ftp:) says which schemes work, not "no such file"', () => {
    for (const cmd of ['inspect', 'validate', 'describe']) {
      const r = runCli([cmd, 'ftp://example.com/model.fnnx']);
      expect(r.code, cmd).toBe(2);
      const e = errorOf(r);
      expect(e.code, cmd).toBe('UNSUPPORTED_SCHEME');
      expect(e.message).toContain('ftp:// URLs are not supported: give an http:// or https:// URL, or a local path');
    }
  });

  it('--limit maxMembers=abc says the value must be a whole number and shows one that works', () => {
    const r = runCli(['inspect', '--limit', 'maxMembers=abc', CORPUS_TAR]);
    expect(r.code).toBe(2);
    const e = errorOf(r);
    expect(e.code).toBe('BAD_LIMIT');
    expect(e.message).toBe('--limit maxMembers takes a whole number (optionally ending in KiB, MiB or GiB), not "abc"');
    const example = /--limit (\S+)/.exec(e.hint)![1]!;
    expect(runCli(['inspect', '--limit', example, CORPUS_TAR]).code).toBe(0);
  });

  it('the gzip hint is a command that works as typed (gunzip refuses the .fnnx suffix), for x.fnnx and for x.fnnx.gz', () => {
    const dir = tempDir();
    const gz = gzipSync(readFileSync(CORPUS_TAR));
    writeFileSync(join(dir, 'disguised.fnnx'), gz);
    writeFileSync(join(dir, 'model.fnnx.gz'), gz);
    for (const [cmd, file] of [
      ['inspect', 'disguised.fnnx'],
      ['describe', 'disguised.fnnx'],
      ['validate', 'model.fnnx.gz'],
    ] as const) {
      const r = runCli([cmd, file], { cwd: dir });
      expect(r.code, `${cmd} ${file}`).toBe(1);
      // validate reports it as a finding on stdout, the others as the error line.
      const hint = cmd === 'validate' ? r.stdout.trim() : errorOf(r).hint;
      const command = /: (gzip -dc \S+ > \S+)$/.exec(hint)?.[1];
      expect(command, hint).toBeDefined();
      const out = command!.split(' > ')[1]!;
      execFileSync('sh', ['-c', command!], { cwd: dir });
      const check = runCli(['inspect', out], { cwd: dir });
      expect(check.code, `${command}: ${check.stdout}${check.stderr}`).toBe(0);
    }
    // What the old hint said does not work on this name; the test is worth having only while that holds.
    expect(spawnSync('gunzip', ['-k', join(dir, 'disguised.fnnx')]).status).not.toBe(0);
  });

  it("a patch error names the user's patch file, not a sidecar that was never written, and says its pointer once", () => {
    const artifact = artifactCopy();
    const patch = join(tempDir(), 'my-patch.json');
    writeFileSync(patch, JSON.stringify([{ op: 'replace', path: '/inputs', value: 5 }]));
    const bad = errorOf(runCli(['patch-manifest', artifact, '--patch', patch]));
    expect(bad.code).toBe('PATCH_RESULT_INVALID');
    expect(bad.message.startsWith(`${patch}: `)).toBe(true);
    expect(bad.message).not.toMatch(/manifest-[0-9a-f]+\.patch\.json/);
    expect(bad.message.match(/\/inputs/g)).toHaveLength(1);

    writeFileSync(patch, JSON.stringify([{ op: 'replace', path: '/nothing', value: 5 }]));
    const missing = errorOf(runCli(['patch-manifest', artifact, '--patch', patch]));
    expect(missing.code).toBe('PATCH_NOT_APPLICABLE');
    expect(missing.message).toBe(
      `${patch}: operation 0 (replace /nothing) cannot be applied: the manifest has nothing at /nothing to replace (use "add" to create it)`,
    );
  });

  it('a malformed --entry or --patch file is bad input from the user: exit 2 (JSON_INVALID), like a missing one', () => {
    const artifact = artifactCopy();
    const broken = join(tempDir(), 'broken.json');
    writeFileSync(broken, '{"id": "x",');
    for (const args of [
      ['append-meta', artifact, '--entry', broken],
      ['patch-manifest', artifact, '--patch', broken],
    ]) {
      const r = runCli(args);
      expect(r.code, args[0]).toBe(2);
      const e = errorOf(r);
      expect(e.code).toBe('JSON_INVALID');
      expect(e.message.startsWith(`${broken}: is not valid JSON`)).toBe(true);
    }
    const missing = runCli(['append-meta', artifact, '--entry', join(tempDir(), 'nope.json')]);
    expect(missing.code).toBe(2);
  });
});
