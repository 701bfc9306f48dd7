import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, readArtifact } from '../src/index.js';
import { appendToArtifact } from '../src/node/append-file.js';
import { metaAppendMembers } from '../src/append/meta.js';
import { newHexId } from '../src/append/ids.js';
import { validateTarget } from '../src/node/validate.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { soundPipeline, tarOf, writeDirArtifact } from './helpers/validate-artifact.js';

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
  it('ten parallel appends (append-meta, patch-manifest, card add) as processes: every one that reports success is in the artifact, the others fail with one LOCKED/TARGET_CHANGED line (exit 2), and the result validates', async () => {
    const { dir, path } = await soundArtifact();
    writeFileSync(join(dir, 'card.html'), '<h1>card</h1>');
    const runs = Array.from({ length: 10 }, (_, i) => {
      const kind = (['meta', 'patch', 'card'] as const)[i % 3];
      if (kind === 'meta') {
        writeFileSync(join(dir, `e${i}.json`), JSON.stringify(entry(`run-${i}`)));
        return { kind, id: `run-${i}`, argv: ['append-meta', path, '--entry', join(dir, `e${i}.json`)] };
      }
      if (kind === 'patch') {
        writeFileSync(join(dir, `p${i}.json`), JSON.stringify([{ op: 'replace', path: '/producer_version', value: `2.0.${i}` }]));
        return { kind, id: `p${i}`, argv: ['patch-manifest', path, '--patch', join(dir, `p${i}.json`), '--json'] };
      }
      return { kind, id: `c${i}`, argv: ['card', 'add', path, join(dir, 'card.html'), '--json'] };
    });
    const results = await Promise.all(runs.map((r) => runCliAsync(r.argv)));
    for (const r of results.filter((r) => r.code !== 0)) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^fnnx-kit: .*\((LOCKED|TARGET_CHANGED)\)\n/);
    }
    const landed = runs.filter((_, i) => results[i]!.code === 0);
    expect(landed.length).toBeGreaterThan(0);
    // Every member a successful run reports is in the archive, whole.
    const reported = results
      .filter((r) => r.code === 0 && r.stdout.startsWith('{'))
      .flatMap((r) => (JSON.parse(r.stdout) as { members: string[] }).members);
    const store = await openStore(path);
    try {
      const names = new Set((await store.members()).map((m) => m.name));
      for (const m of reported) expect(names.has(m), m).toBe(true);
      const contents = await readArtifact(store);
      const metaIds = contents.metadata.filter((e) => String(e.entry.id).startsWith('run-')).map((e) => String(e.entry.id));
      expect(metaIds.sort()).toEqual(
        landed
          .filter((r) => r.kind === 'meta')
          .map((r) => r.id)
          .sort(),
      );
      expect(contents.patches.length).toBe(landed.filter((r) => r.kind === 'patch').length);
      expect(contents.metadata.filter((e) => e.tags.some((t) => t.includes('model_card'))).length).toBe(
        landed.filter((r) => r.kind === 'card').length,
      );
    } finally {
      await store.close();
    }
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

  it('a writer that ignores the lock (GNU tar -r) changing the file while the append plans: TARGET_CHANGED (exit 2 kind), nothing of ours written', async () => {
    const { dir, path } = await soundArtifact();
    writeFileSync(join(dir, 'other.txt'), 'from GNU tar');
    let afterOther: Buffer | undefined;
    const attempt = appendToArtifact(path, async () => {
      execFileSync('tar', ['-rf', path, '-C', dir, 'other.txt']);
      afterOther = readFileSync(path);
      return metaAppendMembers([entry('x')], [], newHexId());
    });
    await expect(attempt).rejects.toMatchObject({ code: 'TARGET_CHANGED', kind: 'io' });
    expect(readFileSync(path).equals(afterOther!)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a directory-form artifact whose meta_artifacts/ is a symbolic link: the append is refused before any file is made (LINK_REFUSED, exit 2), nothing lands where the link points', async () => {
    const { dir } = await soundArtifact();
    const root = writeDirArtifact(soundPipeline());
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(root, 'meta_artifacts'));
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('x')));
    writeFileSync(join(dir, 'r.html'), '<h1>r</h1>');
    const r = runCli(['append-meta', root, '--entry', join(dir, 'e.json'), '--attach', `r.html=${join(dir, 'r.html')}`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/meta_artifacts is a symbolic link.*\(LINK_REFUSED\)/);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readdirSync(root).filter((n) => n.startsWith('meta-'))).toEqual([]);
  });

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

  it('append-meta, patch-manifest and card add refuse to write over non-zero bytes after the end blocks (TRAILING_BYTES, exit 1, nothing written); --drop-trailing drops them and the result is sound for upload', async () => {
    const { dir, path, before } = await withTrailing();
    writeFileSync(join(dir, 'e.json'), JSON.stringify(entry('x')));
    writeFileSync(join(dir, 'p.json'), JSON.stringify([{ op: 'replace', path: '/producer_version', value: '2.0.0' }]));
    writeFileSync(join(dir, 'card.html'), '<h1>card</h1>');
    const commands = [
      ['append-meta', path, '--entry', join(dir, 'e.json')],
      ['patch-manifest', path, '--patch', join(dir, 'p.json')],
      ['card', 'add', path, join(dir, 'card.html')],
    ];
    for (const argv of commands) {
      const r = runCli(argv);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/non-zero bytes after the end of the archive.*\(TRAILING_BYTES\)/);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(leftovers(dir)).toEqual([]);
    }
    for (const argv of commands) {
      const r = runCli([...argv, '--drop-trailing']);
      expect(r.code, r.stderr).toBe(0);
    }
    expect((await entryIds(path)).filter((id) => id === 'x')).toEqual(['x']);
    const report = await validateTarget(path, { forUpload: true });
    expect(report.diagnostics.filter((d) => d.code === 'TRAILING_BYTES')).toEqual([]);
    expect(report.valid, JSON.stringify(report.diagnostics)).toBe(true);
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
      appendToArtifact(path, async () => [...metaAppendMembers([entry('x')], [{ name: 'big.bin', body: failing }], newHexId())], {
        dropTrailing: true,
      }),
    ).rejects.toThrow(/on fire/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((await stat(path)).size).toBe(before.length);
    expect(leftovers(dir)).toEqual([]);
  });
});
