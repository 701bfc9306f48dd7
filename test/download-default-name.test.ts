import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';

/**
 * Issue 25, item 9: `download URL` without -o saves under the URL's file name in the current
 * folder (as curl -O does), never over a file already there unless --force.
 */
let server: RangeServer;
let blob: Buffer;

beforeAll(async () => {
  const root = tempDir('fnnx-dlname-src-');
  blob = randomBytes(64 * 1024);
  writeFileSync(join(root, 'my model.fnnx'), blob);
  server = await startRangeServer(root);
});
afterAll(() => server.close());

describe('download without -o', () => {
  it("saves under the URL's decoded file name in the current folder", async () => {
    const cwd = tempDir('fnnx-dlname-');
    const r = await runCliAsync(['download', server.url('my model.fnnx'), '-q'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'my model.fnnx')).equals(blob)).toBe(true);
  });

  it('refuses to replace a file already there (ALREADY_EXISTS, exit 2, untouched); --force replaces it', async () => {
    const cwd = tempDir('fnnx-dlname-');
    writeFileSync(join(cwd, 'my model.fnnx'), 'mine');
    const r = await runCliAsync(['download', server.url('my model.fnnx'), '-q'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /my model\.fnnx \(the URL's file name\) already exists here; nothing was downloaded \(ALREADY_EXISTS\)\n {2}hint: give --force/,
    );
    expect(readFileSync(join(cwd, 'my model.fnnx'), 'utf8')).toBe('mine');
    const forced = await runCliAsync(['download', server.url('my model.fnnx'), '-q', '--force'], { cwd });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'my model.fnnx')).equals(blob)).toBe(true);
  });

  it('a URL whose path names no plain file (a folder, "..", a slash or control character once decoded) needs -o', async () => {
    const cwd = tempDir('fnnx-dlname-');
    for (const path of ['', 'dir/', '..', 'a%2Fb.fnnx', 'x%0Ay.fnnx', 'bad%E0%A4%A.fnnx']) {
      const r = await runCliAsync(['download', `${server.url('x').slice(0, -1)}${path}`, '-q'], { cwd });
      expect(r.code, path).toBe(2);
      expect(r.stderr, path).toMatch(/no usable file name: give the file to write with -o \(NO_OUTPUT\)/);
    }
  });
});
