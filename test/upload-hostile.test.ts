import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initiateMultipartUpload, uploadFile } from '../src/node/upload-file.js';
import {
  hostileParts,
  startHostileStorage,
  type HostileAnswer,
  type HostileRequest,
  type HostileStorage,
} from './helpers/hostile-storage.js';
import { BIN } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';
import { runCliAsync } from './helpers/run-cli-async.js';

/**
 * Issue 23, item 9: every reply a storage server sends is bounded. Each case runs the uploader
 * against a server that answers one request in a way no honest store does.
 */
const SIZE = 300_000;
const GIB_1_5 = 1.5 * 2 ** 30;
/** Far below the 1.5 GiB offered: what sockets buffer before the reader stops, not the body. */
const READ_BOUND = 64 << 20;
const FAST = { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 }, speedTimeMs: 500, timeoutMs: 5_000 };

let dir: string;
let file: string;
let server: HostileStorage | undefined;
beforeAll(() => {
  dir = tempDir('fnnx-upload-hostile-');
  file = join(dir, 'm.fnnx');
  writeFileSync(file, randomBytes(SIZE));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers the request `when` picks with `answer`, and plays S3 otherwise. */
async function hostile(when: (req: HostileRequest) => boolean, answer: HostileAnswer): Promise<HostileStorage> {
  server = await startHostileStorage((req) => (when(req) ? answer : { kind: 'normal' }));
  return server;
}
const part2 = (req: HostileRequest) => req.method === 'PUT' && req.url.searchParams.get('partNumber') === '2';
const completion = (req: HostileRequest) => req.method === 'POST' && !req.url.searchParams.has('uploads');
const puts = (s: HostileStorage) => s.requests.filter((r) => r.method === 'PUT').length;
const posts = (s: HostileStorage) => s.requests.filter(completion).length;
const details = (s: HostileStorage) => hostileParts(s.origin, SIZE, 3);

describe('upload against a hostile storage server', { timeout: 30_000 }, () => {
  it('a part answered with status 600 is a typed HTTP_STATUS error, not retried, and nothing is completed', async () => {
    const s = await hostile(part2, { kind: 'raw-status', status: 600 });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false, concurrency: 1 })).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      message: expect.stringMatching(/status 600/),
    });
    expect(s.requests.filter(part2)).toHaveLength(1);
    expect(posts(s)).toBe(0);
  });

  it('the CLI reports status 600 as one line with its code (exit 2), no stack trace', async () => {
    const s = await hostile(part2, { kind: 'raw-status', status: 600 });
    const detailsFile = join(dir, 'd600.json');
    writeFileSync(detailsFile, JSON.stringify(details(s)));
    const r = await runCliAsync(['upload', file, '--details', detailsFile, '--no-resume', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/status 600, which HTTP does not define \(HTTP_STATUS\)\n/);
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
  });

  it('a 1xx reply and then silence ends as TOO_SLOW within --speed-time, not retried', async () => {
    const s = await hostile(part2, { kind: 'informational-then-silence', status: 199 });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false, concurrency: 1 })).rejects.toMatchObject({ code: 'TOO_SLOW' });
    expect(s.requests.filter(part2)).toHaveLength(1);
  });

  it('a server that takes the part and never answers ends as TOO_SLOW, not retried', async () => {
    const s = await hostile(part2, { kind: 'silence' });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false, concurrency: 1 })).rejects.toMatchObject({ code: 'TOO_SLOW' });
    expect(s.requests.filter(part2)).toHaveLength(1);
  });

  it('the CLI: --speed-time bounds the wait for a reply that never comes (TOO_SLOW, exit 2)', async () => {
    const s = await hostile(part2, { kind: 'informational-then-silence', status: 100 });
    const detailsFile = join(dir, 'd199.json');
    writeFileSync(detailsFile, JSON.stringify(details(s)));
    const r = await runCliAsync(['upload', file, '--details', detailsFile, '--no-resume', '-q', '--speed-time', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(TOO_SLOW\)\n/);
  });

  it('the CLI: --timeout ends a silent server the rate check is told to ignore (TIMEOUT, exit 2)', async () => {
    const s = await hostile(part2, { kind: 'silence' });
    const detailsFile = join(dir, 'dsilent.json');
    writeFileSync(detailsFile, JSON.stringify(details(s)));
    const r = await runCliAsync(['upload', file, '--details', detailsFile, '--no-resume', '-q', '--speed-limit', '0', '--timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--timeout 1 s \(TIMEOUT\)\n/);
  });

  it('a 2xx completion with a 1.5 GiB body is refused after a bounded read; nothing reads it whole', async () => {
    const s = await hostile(completion, { kind: 'huge-body', status: 200, bytes: GIB_1_5 });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false })).rejects.toMatchObject({ code: 'UPLOAD_PROTOCOL' });
    expect(s.hugeBytesWritten()).toBeLessThan(READ_BOUND);
  });

  it("a part's 1.5 GiB reply body is never read (the part counts by its status and ETag)", async () => {
    const s = await hostile(part2, { kind: 'huge-body', status: 200, bytes: GIB_1_5, headers: { etag: '"kms-style-etag"' } });
    const r = await uploadFile(file, details(s), { ...FAST, resume: false });
    expect(r).toMatchObject({ partsSent: 3 });
    expect(s.hugeBytesWritten()).toBeLessThan(READ_BOUND);
  });

  it('an error status with a 1.5 GiB body is a status error; the body is not read', async () => {
    const s = await hostile(part2, { kind: 'huge-body', status: 403, bytes: GIB_1_5 });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
    expect(s.hugeBytesWritten()).toBeLessThan(READ_BOUND);
    expect(posts(s)).toBe(0);
  });

  it('a 2xx completion whose body is a namespaced <s3:Error> is a failure', async () => {
    const xml =
      '<?xml version="1.0"?><s3:Error xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:Code>InternalError</s3:Code><s3:Message>try again</s3:Message></s3:Error>';
    const s = await hostile(completion, { kind: 'xml', status: 200, xml });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false })).rejects.toMatchObject({
      code: 'UPLOAD_COMPLETE_FAILED',
      message: expect.stringMatching(/InternalError: try again/),
    });
  });

  it('a part accepted under an ETag that is not the MD5 of its bytes is an error, and nothing is completed', async () => {
    const s = await hostile(part2, { kind: 'etag', etag: '"0123456789abcdef0123456789abcdef"' });
    await expect(uploadFile(file, details(s), { ...FAST, resume: false })).rejects.toMatchObject({ code: 'UPLOAD_ETAG_MISMATCH' });
    expect(posts(s)).toBe(0);
    expect(puts(s)).toBeGreaterThanOrEqual(2);
  });

  it('a 1.5 GiB reply to initiating is refused after a bounded read', async () => {
    server = await startHostileStorage(() => ({ kind: 'huge-body', status: 200, bytes: GIB_1_5 }));
    await expect(initiateMultipartUpload(`${server.origin}/bucket/m.fnnx?uploads`, FAST)).rejects.toMatchObject({
      code: 'UPLOAD_PROTOCOL',
    });
    expect(server.hugeBytesWritten()).toBeLessThan(READ_BOUND);
  });

  it('upload --initiate escapes the UploadId the server sent: no OSC, screen clear or C1 reaches the terminal', async () => {
    const id = 'evil\u001b]0;owned\u0007\u001b[2J\u009b1m';
    const xml = `<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`;
    server = await startHostileStorage(() => ({ kind: 'xml', status: 200, xml }));
    const url = `${server.origin}/bucket/m.fnnx?uploads`;
    const text = await runCliAsync(['upload', '--initiate', url]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('evil\\u001b]0;owned\\u0007\\u001b[2J\\u009b1m\n');
    // On a terminal too (util-linux `script` gives the CLI a pseudo-terminal).
    const tty = await promisify(execFile)('script', ['-qec', `${process.execPath} ${BIN} upload --initiate '${url}'`, '/dev/null'], {
      encoding: 'utf8',
    });
    expect(tty.stdout).toContain('evil\\u001b]0;owned');
    expect(tty.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    const json = await runCliAsync(['upload', '--initiate', url, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ upload_id: id });
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('upload --initiate takes the details file as well as the URL, and refuses details that need no initiating', async () => {
    server = await startHostileStorage();
    const create = join(dir, 'create.json');
    writeFileSync(
      create,
      JSON.stringify({ type: 's3', url: `${server.origin}/bucket/m.fnnx?uploads=`, multipart: true, bucket_location: 'm.fnnx' }),
    );
    const r = await runCliAsync(['upload', '--initiate', create]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hostile-upload-1\n');
    expect(server.requests.map((q) => `${q.method} ${q.url.search}`)).toEqual(['POST ?uploads=']);
    const parts = join(dir, 'parts.json');
    writeFileSync(parts, JSON.stringify(details(server)));
    const wrong = await runCliAsync(['upload', '--initiate', parts]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /needs no --initiate \(s3-parts\) \(UPLOAD_DETAILS_INVALID\)\n {2}hint: upload with them: fnnx-kit upload <file> --details /,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a FIFO where <file>.upload.json should be is refused unopened (NOT_A_FILE), not waited on', async () => {
    const s = await hostile(() => false, { kind: 'normal' });
    const fifoDir = tempDir('fnnx-upload-fifo-');
    const target = join(fifoDir, 'f.fnnx');
    writeFileSync(target, randomBytes(SIZE));
    execFileSync('mkfifo', [`${target}.upload.json`]);
    await expect(uploadFile(target, details(s), FAST)).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      message: expect.stringMatching(/upload\.json is a FIFO, not a record this kit wrote/),
    });
    expect(s.requests).toHaveLength(0);
  });
});
