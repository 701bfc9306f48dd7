import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, readArtifact } from '../src/index.js';
import { appendToArtifact } from '../src/node/append-file.js';
import { metaAppendMembers } from '../src/append/meta.js';
import { newHexId } from '../src/append/ids.js';
import { validateTarget } from '../src/validate/node.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { soundPipeline, tarOf } from './helpers/validate-artifact.js';

const entry = (id: string) => ({ id, producer: 'tests', producer_version: '1', producer_tags: ['tests::report:v1'], payload: { n: id } });

async function soundArtifact(): Promise<{ dir: string; path: string; bytes: Uint8Array }> {
  const dir = tempDir();
  const path = join(dir, 'model.fnnx');
  const bytes = await tarOf(soundPipeline());
  writeFileSync(path, bytes);
  return { dir, path, bytes };
}

async function entryIds(path: string): Promise<string[]> {
  const store = await openStore(path);
  try {
    return (await readArtifact(store)).metadata.map((e) => String(e.entry.id));
  } finally {
    await store.close();
  }
}

/** Where the archive's end blocks start in a tar built by tarOf: its size minus the zero tail. */
function endOf(bytes: Uint8Array): number {
  let end = bytes.length;
  while (end >= 512 && bytes.subarray(end - 512, end).every((b) => b === 0)) end -= 512;
  return end;
}

function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.lock|\.undo|\.partial|\.part/.test(n));
}

describe('concurrent appends', () => {
  it('ten parallel append-meta processes: every one that reports success is in the artifact, the others fail with one LOCKED/TARGET_CHANGED line (exit 2), and the result validates', async () => {
    const { dir, path } = await soundArtifact();
    const ids = Array.from({ length: 10 }, (_, i) => `run-${i}`);
    ids.forEach((id) => writeFileSync(join(dir, `${id}.json`), JSON.stringify(entry(id))));
    const results = await Promise.all(ids.map((id) => runCliAsync(['append-meta', path, '--entry', join(dir, `${id}.json`)])));
    const landed = ids.filter((_, i) => results[i]!.code === 0);
    for (const r of results.filter((r) => r.code !== 0)) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^fnnx-kit: .*\((LOCKED|TARGET_CHANGED)\)\n/);
    }
    expect(landed.length).toBeGreaterThan(0);
    expect((await entryIds(path)).sort()).toEqual(landed.sort());
    const report = await validateTarget(path, { forUpload: true });
    expect(report.valid, JSON.stringify(report.diagnostics)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it('a process killed (SIGKILL) mid-append leaves the original readable and sound, and the next append recovers its stale lock and undoes its bytes', async () => {
    const { dir, path, bytes } = await soundArtifact();
    const big = join(dir, 'big.bin');
    writeFileSync(big, Buffer.alloc(160 << 20, 7));
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('killed')));
    let grewTo = 0;
    const killed = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json'), '--attach', `big.bin=${big}`], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          const size = statSync(path).size;
          if (size > bytes.length + (32 << 20)) {
            grewTo = size;
            child.kill('SIGKILL');
            clearInterval(poll);
          }
        }, 2);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(killed.code, killed.stderr).not.toBe(0);
    expect(grewTo).toBeGreaterThan(bytes.length);
    // The dead append's lock is still there; the archive still reads as the original.
    expect(existsSync(`${path}.lock`)).toBe(true);
    const end = endOf(bytes);
    expect(Buffer.from(readFileSync(path).subarray(0, end + 512)).equals(Buffer.from(bytes.subarray(0, end + 512)))).toBe(true);
    expect(await entryIds(path)).toEqual([]);
    expect((await validateTarget(path)).valid).toBe(true);

    writeFileSync(join(dir, 'next.json'), JSON.stringify(entry('next')));
    const next = runCli(['append-meta', path, '--entry', join(dir, 'next.json')]);
    expect(next.code, next.stderr).toBe(0);
    expect(await entryIds(path)).toEqual(['next']);
    const report = await validateTarget(path, { forUpload: true });
    expect(report.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'ROOT_FILE_OMITTED')).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it('refuses an append target that is a symbolic link (LINK_REFUSED, exit 2), leaving the link target untouched', async () => {
    const { dir, path, bytes } = await soundArtifact();
    const link = join(dir, 'link.fnnx');
    symlinkSync(path, link);
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('x')));
    const r = runCli(['append-meta', link, '--entry', join(dir, 'e.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link.*\(LINK_REFUSED\)/);
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('bytes after the end of the archive, on append', () => {
  async function withTrailing(): Promise<{ dir: string; path: string; before: Buffer }> {
    const { dir, path, bytes } = await soundArtifact();
    const junk = Buffer.alloc(3000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 31 + 7) & 0xff || 1;
    writeFileSync(path, Buffer.concat([bytes, junk]));
    return { dir, path, before: readFileSync(path) };
  }

  it('append-meta refuses to write over non-zero bytes after the end blocks (TRAILING_BYTES, exit 1, nothing written)', async () => {
    const { dir, path, before } = await withTrailing();
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('x')));
    const r = runCli(['append-meta', path, '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/non-zero bytes after the end of the archive.*\(TRAILING_BYTES\)/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('--drop-trailing overwrites and drops them: the result is sound for upload', async () => {
    const { dir, path } = await withTrailing();
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('x')));
    const r = runCli(['append-meta', path, '--drop-trailing', '--entry', join(dir, 'e.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(await entryIds(path)).toEqual(['x']);
    const report = await validateTarget(path, { forUpload: true });
    expect(report.diagnostics.filter((d) => d.code === 'TRAILING_BYTES')).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('an append that fails midway (a member body stream that errors) puts back exactly the bytes it overwrote, trailing bytes included', async () => {
    const { dir, path, before } = await withTrailing();
    const failing = {
      size: 4 << 20,
      async *open() {
        yield new Uint8Array(700_000).fill(0x41);
        throw new Error('the disk is on fire');
      },
    };
    await expect(
      appendToArtifact(path, async () => [...metaAppendMembers([entry('x')], [{ name: 'big.bin', body: failing }], newHexId())], { dropTrailing: true }),
    ).rejects.toThrow(/on fire/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((await stat(path)).size).toBe(before.length);
    expect(leftovers(dir)).toEqual([]);
  });
});
