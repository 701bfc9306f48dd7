import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { download } from '../src/node/download.js';
import { openHttpSource } from '../src/source/http-open.js';
import { nodeFetch } from '../src/node/http-fetch.js';
import { startHostileStorage, type HostileStorage } from './helpers/hostile-storage.js';
import { tempDir } from './helpers/paths.js';
import { runCliAsync } from './helpers/run-cli-async.js';

/** Issue 23, items 8 and 9: every reply a server sends, and every state file beside the output, is bounded. */
const NO_RETRY = { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 };

let dir: string;
let n = 0;
let server: HostileStorage | undefined;
beforeAll(() => {
  dir = tempDir('fnnx-download-hostile-');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const output = () => join(dir, `o${++n}.fnnx`);

describe('download against a hostile server', { timeout: 30_000 }, () => {
  it('status 600 is a typed HTTP_STATUS error, not a RangeError, and not retried', async () => {
    server = await startHostileStorage(() => ({ kind: 'raw-status', status: 600 }));
    await expect(download(`${server.origin}/m.fnnx`, output(), { retry: { ...NO_RETRY, retries: 3 } })).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      message: expect.stringMatching(/status 600, which HTTP does not define/),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('a remote read (inspect a URL) meets status 600 with the same typed error', async () => {
    server = await startHostileStorage(() => ({ kind: 'raw-status', status: 600 }));
    await expect(openHttpSource(`${server.origin}/m.fnnx`, { fetch: nodeFetch, retry: NO_RETRY })).rejects.toMatchObject({
      code: 'HTTP_STATUS',
    });
  });

  it('a 1xx reply and then silence ends as TOO_SLOW within --speed-time (the wait for headers counts)', async () => {
    server = await startHostileStorage(() => ({ kind: 'informational-then-silence', status: 199 }));
    await expect(download(`${server.origin}/m.fnnx`, output(), { speedTimeMs: 500 })).rejects.toMatchObject({ code: 'TOO_SLOW' });
    expect(server.requests).toHaveLength(1);
  });

  it('the CLI: a server that never answers ends as TIMEOUT at --timeout, the process exits and the lock is gone', async () => {
    server = await startHostileStorage(() => ({ kind: 'silence' }));
    const file = output();
    const r = await runCliAsync(['download', `${server.origin}/m.fnnx`, '-o', file, '--speed-limit', '0', '--timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout 1 s \(TIMEOUT\)\n/);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a FIFO where <out>.part.json should be is refused unopened: download --timeout 5 exits at once, the lock released', async () => {
    server = await startHostileStorage(() => ({ kind: 'normal' }), randomBytes(1000));
    const file = output();
    execFileSync('mkfifo', [`${file}.part.json`]);
    const r = await runCliAsync(['download', `${server.origin}/m.fnnx`, '-o', file, '--timeout', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/part\.json is a FIFO, not a record this kit wrote; it was not read \(NOT_A_FILE\)\n/);
    expect(r.stderr).not.toMatch(/TIMEOUT/);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(lstatSync(`${file}.part.json`).isFIFO()).toBe(true);
  });
});
