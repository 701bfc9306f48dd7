import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { validateTarget } from '../src/node/validate.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import type { CliResult } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';

const SIZE = 4 << 20;
let root: string;
let blob: Buffer;
let server: RangeServer;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = tempDir('fnnx-concurrent-src-');
  blob = randomBytes(SIZE);
  writeFileSync(join(root, 'model.fnnx'), blob);
  server = await startRangeServer(root);
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.onRequest = undefined;
});

/** A failure that is clean: exit 2, one line naming LOCKED, never INTERNAL. */
function expectLockedOrOk(r: CliResult): void {
  expect(r.stderr).not.toMatch(/INTERNAL/);
  if (r.code === 0) return;
  expect(r.code, r.stderr).toBe(2);
  // With --json the failure is a JSON object on stdout; otherwise one line on stderr.
  if (r.stdout.startsWith('{')) {
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('LOCKED');
    expect(error.message).toMatch(/is being written by process \d+/);
  } else expect(r.stderr).toMatch(/^fnnx-kit: .* is being written by process \d+ .*\(LOCKED\)\n/);
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.lock|\.part|\.partial|\.tmp/.test(n));
}

describe('parallel writers to one output', () => {
  it('eight downloads to one -o: one at a time wins, the others fail with LOCKED (exit 2) and leave no part, sidecar or lock', async () => {
    // Every reply waits, so all eight runs are under way at once.
    server.onRequest = () => ({ kind: 'delay', ms: 1500 });
    const out = tempDir('fnnx-concurrent-dl-');
    const file = join(out, 'model.fnnx');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => runCliAsync(['download', server.url('model.fnnx'), '-o', file, '--sha256', sha(blob)])),
    );
    results.forEach(expectLockedOrOk);
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.code === 2).length).toBeGreaterThan(0);
    expect(readFileSync(file).equals(blob)).toBe(true);
    expect(leftovers(out)).toEqual([]);
  }, 120_000);

  it("eight packs to one -o: the ones that overlap a running pack fail with LOCKED (exit 2), the file is the last winner's and sound, no temp or lock left", async () => {
    const big = join(tempDir(), 'big.bin');
    writeFileSync(big, Buffer.alloc(48 << 20, 3));
    const dirs = Array.from({ length: 8 }, (_, i) => {
      const dir = writeDirArtifact(soundPipeline());
      mkdirSync(join(dir, 'meta_artifacts', `run-${i}`), { recursive: true });
      linkSync(big, join(dir, 'meta_artifacts', `run-${i}`, 'big.bin'));
      return dir;
    });
    const out = tempDir('fnnx-concurrent-pack-');
    const file = join(out, 'model.fnnx');
    const finished: Array<{ r: CliResult; at: number }> = [];
    await Promise.all(
      dirs.map(async (dir) => {
        const r = await runCliAsync(['pack', dir, '-o', file, '--json', '-q']);
        finished.push({ r, at: performance.now() });
      }),
    );
    finished.forEach(({ r }) => expectLockedOrOk(r));
    const winners = finished.filter(({ r }) => r.code === 0);
    expect(winners.length).toBeGreaterThan(0);
    expect(finished.length - winners.length).toBeGreaterThan(0);
    const last = JSON.parse(winners[winners.length - 1]!.r.stdout) as { file_hash: string };
    expect(sha(readFileSync(file))).toBe(last.file_hash);
    expect((await validateTarget(file)).valid).toBe(true);
    expect(leftovers(out)).toEqual([]);
  }, 180_000);

  it('a pack killed (SIGKILL) mid-write leaves its lock and temp file; the next pack recovers the stale lock, removes the temp file and writes a sound artifact', async () => {
    const dir = writeDirArtifact(soundPipeline());
    mkdirSync(join(dir, 'meta_artifacts', 'big'), { recursive: true });
    writeFileSync(join(dir, 'meta_artifacts', 'big', 'big.bin'), Buffer.alloc(160 << 20, 5));
    const out = tempDir('fnnx-killed-pack-');
    const file = join(out, 'model.fnnx');
    let killedAt = 0;
    const killed = await runCliAsync(['pack', dir, '-o', file, '-q'], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          const temp = readdirSync(out).find((n) => n.endsWith('.partial'));
          if (temp && statSync(join(out, temp)).size > 16 << 20) {
            killedAt = statSync(join(out, temp)).size;
            child.kill('SIGKILL');
            clearInterval(poll);
          }
        }, 2);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(killed.code).not.toBe(0);
    expect(killedAt).toBeGreaterThan(0);
    expect(leftovers(out).sort()).toEqual(['model.fnnx.lock', expect.stringMatching(/^\.model\.fnnx\.\d+\.\d+\.partial$/)].sort());
    const next = await runCliAsync(['pack', dir, '-o', file, '-q']);
    expect(next.code, next.stderr).toBe(0);
    expect(leftovers(out)).toEqual([]);
    expect((await validateTarget(file)).valid).toBe(true);
  }, 120_000);
});

describe('never through a link we did not make', () => {
  function plantedLink(dir: string, name: string): { victim: string; link: string } {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const link = join(dir, name);
    symlinkSync(victim, link);
    return { victim, link };
  }

  for (const suffix of ['.part', '.part.json', '']) {
    it(`download refuses a planted symlink at model.fnnx${suffix} (LINK_REFUSED, exit 2), its target untouched`, async () => {
      const out = tempDir('fnnx-link-dl-');
      const file = join(out, 'model.fnnx');
      const { victim, link } = plantedLink(out, `model.fnnx${suffix}`);
      const r = await runCliAsync(['download', server.url('model.fnnx'), '-o', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/symbolic link.*\(LINK_REFUSED\)/);
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(readlinkSync(link)).toBe(victim);
      expect(leftovers(out).filter((n) => n !== `model.fnnx${suffix}`)).toEqual([]);
    });
  }

  it('download never writes through a hard link planted at model.fnnx.part: a fresh start replaces the name, and a part with a second name is never resumed (started over in a fresh file)', async () => {
    const out = tempDir('fnnx-hardlink-dl-');
    const file = join(out, 'model.fnnx');
    const victim = join(out, 'victim.txt');
    writeFileSync(victim, 'precious');
    linkSync(victim, `${file}.part`);
    const fresh = await runCliAsync(['download', server.url('model.fnnx'), '-o', file, '--sha256', sha(blob)]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(readFileSync(file).equals(blob)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('precious');

    // Private, and ours: only the second name tells the part is not one a download made.
    chmodSync(victim, 0o600);
    const again = join(out, 'again.fnnx');
    linkSync(victim, `${again}.part`);
    writeFileSync(`${again}.part.json`, JSON.stringify({ url: server.url('model.fnnx'), identity: { size: SIZE, etag: '"v1"' } }), {
      mode: 0o600,
    });
    const resumed = await runCliAsync(['download', server.url('model.fnnx'), '-o', again]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/again\.fnnx\.part has another name \(a hard link\): starting the download over/);
    expect(readFileSync(again).equals(blob)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('pack refuses a planted symlink at its output (LINK_REFUSED, exit 2), its target untouched', async () => {
    const out = tempDir('fnnx-link-pack-');
    const { victim, link } = plantedLink(out, 'model.fnnx');
    const r = await runCliAsync(['pack', writeDirArtifact(soundPipeline()), '-o', link, '-q']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/symbolic link.*\(LINK_REFUSED\)/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(existsSync(link) && readlinkSync(link)).toBe(victim);
  });
});
