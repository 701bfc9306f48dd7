import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostileStorage, type HostileStorage } from './helpers/hostile-storage.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { runCliAsync } from './helpers/run-cli-async.js';

/** Issue 23, "Weak": a message must not ask for --descriptor from someone who gave one. */
let dir: string;
let server: HostileStorage;
beforeAll(async () => {
  dir = tempDir('fnnx-transfer-msg-');
  server = await startHostileStorage();
});
afterAll(() => server?.close());

describe('messages to a user who gave --descriptor', () => {
  it('verify with a descriptor that has no file_hash names the descriptor and asks for --sha256, not --descriptor', async () => {
    const descriptor = join(dir, 'size-only.json');
    writeFileSync(descriptor, JSON.stringify({ size: 10240 }));
    const r = await runCliAsync(['verify', CORPUS_TAR, '--descriptor', descriptor]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`descriptor ${descriptor} has no file_hash, and no --sha256 or --md5 was given (NOTHING_TO_VERIFY)`);
    expect(r.stderr).toMatch(/hint: give --sha256 <hex>/);
    expect(r.stderr).not.toContain('give --descriptor');
  });

  it('upload with a descriptor that has neither size nor file_hash says so, not "no --descriptor"', async () => {
    const file = join(dir, 'm.fnnx');
    writeFileSync(file, randomBytes(1000));
    const details = join(dir, 'single.json');
    writeFileSync(details, JSON.stringify({ type: 's3', url: `${server.origin}/bucket/m.fnnx?X-Amz-Signature=s`, multipart: false }));
    const descriptor = join(dir, 'index-only.json');
    writeFileSync(descriptor, JSON.stringify({ file_index: {} }));
    const r = await runCliAsync(['upload', file, '--details', details, '--descriptor', descriptor]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('not verified (the descriptor has no size or file_hash)');
    expect(r.stdout).not.toContain('no --descriptor');
  });
});
