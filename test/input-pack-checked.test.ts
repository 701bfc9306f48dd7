/**
 * pack reads each member as the regular file its walk saw: a link, a FIFO, a device or another
 * file swapped in between the walk and the read is refused, never packed. The swap is made
 * deterministically between artifactInputFromDir (the walk) and packToFile (the reads).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactInputFromDir, artifactInputFromDirWith } from '../src/node/pack-dir.js';
import { packToFileWith } from '../src/node/pack.js';
import { DirStore } from '../src/node/dir-store.js';
import { runCli } from './helpers/cli.js';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';
import { tempDir } from './helpers/paths.js';

const SECRET = 'the other file: never packed';

/** A sound folder with a member `ops_artifacts/reg/sub/data.bin` and, outside it, a same-size secret. */
function folder(): { src: string; member: string; outside: string; out: string } {
  const src = writeDirArtifact(soundPipeline());
  mkdirSync(join(src, 'ops_artifacts/reg/sub'));
  const member = join(src, 'ops_artifacts/reg/sub/data.bin');
  writeFileSync(member, 'x'.repeat(SECRET.length));
  const outside = join(tempDir(), 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'data.bin'), SECRET, { mode: 0o600 });
  return { src, member, outside, out: join(tempDir(), 'out.fnnx') };
}

const swaps: Array<[string, (f: ReturnType<typeof folder>) => void, RegExp]> = [
  [
    'the member renamed into a symbolic link to a same-size file elsewhere',
    (f) => {
      symlinkSync(join(f.outside, 'data.bin'), `${f.member}.new`);
      renameSync(`${f.member}.new`, f.member);
    },
    /now a symbolic link/,
  ],
  [
    'a folder on the way replaced by a symbolic link to a folder outside (sub -> ../outside)',
    (f) => {
      rmSync(join(f.src, 'ops_artifacts/reg/sub'), { recursive: true });
      symlinkSync(f.outside, join(f.src, 'ops_artifacts/reg/sub'));
    },
    /another file than the one listed/,
  ],
  [
    'the member replaced by another regular file of the same size',
    (f) => {
      writeFileSync(`${f.member}.new`, SECRET);
      renameSync(`${f.member}.new`, f.member);
    },
    /another file than the one listed/,
  ],
  [
    'the member replaced by a FIFO (no open may block)',
    (f) => {
      rmSync(f.member);
      execFileSync('mkfifo', [f.member]);
    },
    /now a FIFO/,
  ],
  [
    "the member replaced by a device node (/dev/zero's: a read would never end; CI runs as root)",
    (f) => {
      rmSync(f.member);
      execFileSync('mknod', [f.member, 'c', '1', '5']);
    },
    /now a device/,
  ],
];

describe('pack: a member swapped between the walk and the read', () => {
  for (const blocking of [true, false]) {
    for (const [what, swap, message] of swaps) {
      it(`refuses ${what} with SOURCE_CHANGED naming the member, and writes no output (${blocking ? 'blocking' : 'thread pool'})`, async () => {
        const f = folder();
        const input = await artifactInputFromDirWith(f.src, { blocking });
        swap(f);
        const err = await packToFileWith(input, f.out, { blocking }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'SOURCE_CHANGED' });
        expect(String((err as Error).message)).toMatch(message);
        expect(String((err as Error).message)).toContain('ops_artifacts/reg/sub/data.bin');
        expect(existsSync(f.out)).toBe(false);
      });
    }
  }

  it('the validator reads ONNX headers only from the file the walk saw (DirStore.memberRange: no link followed)', async () => {
    const f = folder();
    const store = new DirStore(f.src);
    await store.members();
    const model = join(f.src, 'ops_artifacts/reg/model.onnx');
    writeFileSync(join(f.outside, 'model.onnx'), readFileSync(model));
    rmSync(model);
    symlinkSync(join(f.outside, 'model.onnx'), model);
    await expect(store.memberRange('ops_artifacts/reg/model.onnx')).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
    await expect(store.read('ops_artifacts/reg/model.onnx')).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
  });
});

describe('pack: links and special files met by the walk', () => {
  it('refuses a FIFO in the folder as "a FIFO" (UNSUPPORTED_MEMBER), without blocking', () => {
    const f = folder();
    execFileSync('mkfifo', [join(f.src, 'ops_artifacts/reg/pipe')]);
    const r = runCli(['pack', f.src, '-o', f.out, '-q']);
    expect(r.stderr).toMatch(/ops_artifacts\/reg\/pipe[\s\S]*is a FIFO[\s\S]*\(UNSUPPORTED_MEMBER\)/);
    expect(r.code).toBe(2);
    expect(existsSync(f.out)).toBe(false);
  });

  it('refuses a directory symlink in the folder (sub -> ../outside) and never lists what is behind it', async () => {
    const f = folder();
    symlinkSync(f.outside, join(f.src, 'ops_artifacts/reg/linked'));
    const names = (await new DirStore(f.src).members()).map((m) => `${m.kind} ${m.name}`);
    expect(names).toContain('symlink ops_artifacts/reg/linked');
    expect(names.some((n) => n.includes('linked/'))).toBe(false);
    const r = runCli(['pack', f.src, '-o', f.out, '-q']);
    expect(r.stderr).toMatch(/ops_artifacts\/reg\/linked[\s\S]*is a symbolic link[\s\S]*\(UNSUPPORTED_MEMBER\)/);
    expect(existsSync(f.out)).toBe(false);
  });
});

describe('pack: the member limit is checked during the walk', () => {
  it('refuses a folder over the limit with LIMIT_EXCEEDED before any member is read (maxMembers)', async () => {
    const f = folder();
    mkdirSync(join(f.src, 'many'));
    for (let i = 0; i < 40; i++) writeFileSync(join(f.src, 'many', `f${i}`), '');
    // A FIFO after the limit: the walk lists it only if it goes on past the limit; no read may reach it.
    execFileSync('mkfifo', [join(f.src, 'zz-after')]);
    await expect(artifactInputFromDir(f.src, { maxMembers: 30 })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxMembers',
      message: expect.stringMatching(/more than 30 files/),
    });
  });

  it('counts the root files pack writes empty: exactly at the limit packs, one over is refused', async () => {
    const f = folder();
    // soundPipeline has 6 root files + model.onnx + data.bin = 8 members.
    await expect(artifactInputFromDir(f.src, { maxMembers: 8 })).resolves.toBeDefined();
    rmSync(join(f.src, 'meta.json'));
    writeFileSync(join(f.src, 'extra.bin'), '');
    await expect(artifactInputFromDir(f.src, { maxMembers: 8 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('the CLI refuses a folder over --limit maxMembers with exit 1 and no output, naming the limit to raise', () => {
    const f = folder();
    mkdirSync(join(f.src, 'many'));
    for (let i = 0; i < 60; i++) writeFileSync(join(f.src, 'many', `f${i}`), '');
    const r = runCli(['pack', f.src, '-o', f.out, '-q', '--limit', 'maxMembers=50']);
    expect(r.stderr).toMatch(/more than 50 files, over the limit of 50 members[\s\S]*\(LIMIT_EXCEEDED\)[\s\S]*--limit maxMembers=<n>/);
    expect(r.code).toBe(1);
    expect(existsSync(f.out)).toBe(false);
    expect(runCli(['pack', f.src, '-o', f.out, '-q', '--limit', 'maxMembers=100']).code).toBe(0);
  });
});
