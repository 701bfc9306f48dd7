import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { startRangeServer, strongEtag, type RangeServer } from './helpers/range-server.js';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';

const NOBODY = 65534;
const SIZE = 64 << 10;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Runs the CLI with a known umask (and, given a user, as that user). */
const as = (umask: string, user?: string) => [...(user ? ['runuser', '-u', user, '--'] : []), 'sh', '-c', `umask ${umask}; exec "$0" "$@"`];

let served: string;
let blob: Buffer;
let server: RangeServer;

beforeAll(async () => {
  served = tempDir('fnnx-output-src-');
  blob = randomBytes(SIZE);
  writeFileSync(join(served, 'model.fnnx'), blob);
  server = await startRangeServer(served, { strongEtag: true });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.onRequest = undefined;
});

const stickies: string[] = [];
afterAll(() => stickies.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder anyone may write in, as /tmp is: mode 1777, right under /tmp so another user can reach it. */
function stickyDir(): string {
  const dir = mkdtempSync('/tmp/fnnx-output-sticky-');
  stickies.push(dir);
  chmodSync(dir, 0o1777);
  return dir;
}

function special(dir: string, kind: 'fifo' | 'device'): string {
  const path = join(dir, kind === 'fifo' ? 'out.fifo' : 'null');
  // A device node of our own (the same numbers as /dev/null): the system's is never put at risk.
  execFileSync('mknod', kind === 'fifo' ? [path, 'p'] : [path, 'c', '1', '3']);
  return path;
}

async function socketAt(path: string): Promise<Server> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(path, resolve));
  return s;
}

describe('an output is only ever a regular file fnnx-kit creates', () => {
  it('pack -o and download -o onto a FIFO, a socket or a device node are refused (NOT_A_FILE, exit 2), the node stays what it was and no lock is left beside it', async () => {
    const dir = tempDir('fnnx-output-special-');
    const folder = writeDirArtifact(soundPipeline());
    const sock = join(dir, 'out.sock');
    const listening = await socketAt(sock);
    try {
      const cases = [
        { path: special(dir, 'fifo'), words: 'a FIFO', isKind: (p: string) => lstatSync(p).isFIFO() },
        { path: special(dir, 'device'), words: 'a character device', isKind: (p: string) => lstatSync(p).isCharacterDevice() },
        { path: sock, words: 'a socket', isKind: (p: string) => lstatSync(p).isSocket() },
      ];
      for (const { path, words, isKind } of cases) {
        for (const argv of [
          ['pack', folder, '-o', path],
          ['download', server.url('model.fnnx'), '-o', path, '--sha256', sha(blob)],
        ]) {
          const r = await runCliAsync(argv);
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toContain(
            `${path} is ${words}: an output is only ever a regular file fnnx-kit creates; nothing was written (NOT_A_FILE)`,
          );
          expect(isKind(path)).toBe(true);
        }
      }
      expect(readdirSync(dir).sort()).toEqual(['null', 'out.fifo', 'out.sock']);
      expect(server.requests).toEqual([]);
    } finally {
      listening.close();
    }
  });

  it('pack refuses a FIFO output before it reads the folder: the refusal is NOT_A_FILE even for a folder it would refuse', async () => {
    const dir = tempDir('fnnx-output-early-');
    const folder = writeDirArtifact(soundPipeline());
    writeFileSync(join(folder, 'manifest.json'), '{not json');
    const r = await runCliAsync(['pack', folder, '-o', special(dir, 'fifo')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/out\.fifo is a FIFO: .*\(NOT_A_FILE\)/);
  });

  it('append-meta on a FIFO is refused without blocking on it (NOT_A_FILE, "a FIFO", exit 2), and leaves no lock', async () => {
    const dir = tempDir('fnnx-output-append-fifo-');
    const fifo = special(dir, 'fifo');
    writeFileSync(
      join(dir, 'e.json'),
      JSON.stringify({ id: 'x', producer: 't', producer_version: '1', producer_tags: ['t::r:v1'], payload: {} }),
    );
    const r = await runCliAsync(['append-meta', fifo, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `${fifo} is a FIFO, not a regular file: an append changes only a tar file; nothing was written (NOT_A_FILE)`,
    );
    expect(readdirSync(dir).sort()).toEqual(['e.json', 'out.fifo']);
  });

  it('pack -o - still writes to standard output', async () => {
    const r = await runCliAsync(['pack', writeDirArtifact(soundPipeline()), '-o', '-', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdoutBytes.length % 512).toBe(0);
    expect(r.stdoutBytes.length).toBeGreaterThan(1024);
  });

  it('the files pack and download make get the mode a new file gets (0666 less the umask), whatever mode they were written under', async () => {
    const dir = tempDir('fnnx-output-mode-');
    const packed = join(dir, 'packed.fnnx');
    const fetched = join(dir, 'fetched.fnnx');
    expect((await runCliAsync(['pack', writeDirArtifact(soundPipeline()), '-o', packed, '-q'], { wrap: as('027') })).code).toBe(0);
    const d = await runCliAsync(['download', server.url('model.fnnx'), '-o', fetched, '--sha256', sha(blob)], { wrap: as('002') });
    expect(d.code, d.stderr).toBe(0);
    expect(lstatSync(packed).mode & 0o7777).toBe(0o640);
    expect(lstatSync(fetched).mode & 0o7777).toBe(0o664);
  });
});

describe('a .part fnnx-kit did not make is never adopted', () => {
  /** What the red team planted: the true first 1000 bytes, mode 666, and a matching sidecar, both another user's. */
  function plant(dir: string, owner: number): string {
    const out = join(dir, 'model.fnnx');
    writeFileSync(`${out}.part`, blob.subarray(0, 1000));
    chmodSync(`${out}.part`, 0o666);
    chownSync(`${out}.part`, owner, owner);
    return out;
  }

  /** A sidecar as a run writes it: the URL and the identity the server gives the object. */
  function realSidecar(): string {
    const identity = { size: SIZE, etag: strongEtag(statSync(join(served, 'model.fnnx'))) };
    return `${JSON.stringify({ url: server.url('model.fnnx'), identity })}\n`;
  }

  it("another user's part and sidecar in a sticky folder are not resumed: the download starts over from byte 0 in a private part, and the file is the victim's, with the victim's umask", async () => {
    const sidecar = realSidecar();
    const dir = stickyDir();
    const out = plant(dir, NOBODY);
    writeFileSync(`${out}.part.json`, sidecar);
    chmodSync(`${out}.part.json`, 0o666);
    chownSync(`${out}.part.json`, NOBODY, NOBODY);
    const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', out, '--sha256', sha(blob)], { wrap: as('022') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/belongs to another user \(uid 65534\).*starting the download over/);
    expect(server.requests.map((q) => q.range)).toEqual(['bytes=0-']);
    const st = lstatSync(out);
    expect([st.uid, st.mode & 0o7777, st.nlink]).toEqual([0, 0o644, 1]);
    expect(readFileSync(out).equals(blob)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.fnnx']);
  });

  it('our own part with a mode that is not private (0666) is not resumed either; a part of our own with 0600 is', async () => {
    const sidecar = realSidecar();
    const dir = tempDir('fnnx-output-mine-');
    const out = join(dir, 'model.fnnx');
    for (const [mode, range] of [
      [0o666, 'bytes=0-'],
      [0o600, 'bytes=1000-'],
    ] as const) {
      server.reset();
      writeFileSync(`${out}.part`, blob.subarray(0, 1000), { mode });
      chmodSync(`${out}.part`, mode);
      writeFileSync(`${out}.part.json`, sidecar, { mode: 0o600 });
      const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', out, '--sha256', sha(blob)]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.requests.map((q) => q.range)).toEqual([range]);
      expect(readFileSync(out).equals(blob)).toBe(true);
    }
  });

  it('a sidecar temp a killed run left (<out>.part.json.<pid>.tmp) is removed by the next download', async () => {
    const dir = tempDir('fnnx-output-sidecar-temp-');
    const out = join(dir, 'model.fnnx');
    writeFileSync(`${out}.part.json.4194300.tmp`, '{"url":');
    const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', out, '--sha256', sha(blob)]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['model.fnnx']);
  });

  it("a victim who cannot remove another user's part (nobody, in a sticky folder, root's part) is refused with FOREIGN_STATE (exit 2); the part is untouched and nothing is downloaded", async () => {
    const dir = stickyDir();
    const out = plant(dir, 0);
    const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', out, '--sha256', sha(blob)], { wrap: as('022', 'nobody') });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /model\.fnnx\.part is not a file this user's earlier download made, and cannot be removed to start over; it was not used \(FOREIGN_STATE\)/,
    );
    expect(r.stderr).not.toMatch(/\.lock/);
    expect(readFileSync(`${out}.part`).equals(blob.subarray(0, 1000))).toBe(true);
    expect(lstatSync(`${out}.part`).uid).toBe(0);
    expect(server.requests).toEqual([]);
    expect(readdirSync(dir)).toEqual(['model.fnnx.part']);
  });
});

describe('a download that cannot finish ends', () => {
  it('--timeout ends a download whose server never answers: TIMEOUT (exit 2), the process exits and leaves no lock', async () => {
    const dir = tempDir('fnnx-output-timeout-');
    const out = join(dir, 'model.fnnx');
    server.onRequest = () => ({ kind: 'delay', ms: 60_000 });
    const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', out, '--timeout', '1']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\(TIMEOUT\)/);
    expect(readdirSync(dir).filter((n) => n.includes('.lock'))).toEqual([]);
  });
});
