/**
 * extract against a second process that swaps a directory of the target for a symbolic link while
 * the extraction runs: no member may land outside the target.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractTar } from '../src/node/extract.js';
import { MemorySource } from '../src/source/memory-source.js';
import { tempDir } from './helpers/paths.js';
import { file, tar } from './helpers/hostile-tar.js';

const RACER = fileURLToPath(new URL('./helpers/link-racer.mjs', import.meta.url));

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('extract with a racing process', () => {
  it('a directory swapped for a symlink during a long extraction never makes a member land outside the target', async () => {
    const members = Array.from({ length: 3000 }, (_, i) => file(`a/f${String(i).padStart(5, '0')}.txt`, `member ${i}\n`));
    const source = new MemorySource(tar([file('a/first.txt', 'x'), ...members]), 'race.fnnx');
    const base = tempDir('fnnx-race-');
    const target = join(base, 'target');
    const outside = join(base, 'outside');
    const stop = join(base, 'stop');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(target);
    mkdirSync(outside);
    mkdirSync(join(target, 'a'));
    const racer = spawn(process.execPath, [RACER, target, 'a', outside, stop], { stdio: 'ignore' });
    const exited = new Promise((r) => racer.on('exit', r));
    await waitFor(`${stop}.ready`);
    let result;
    try {
      result = await extractTar(source, target);
    } finally {
      writeFileSync(stop, '');
      await exited;
    }
    const flips = Number(readFileSync(`${stop}.flips`, 'utf8'));
    expect(flips).toBeGreaterThan(100);
    expect(readdirSync(outside)).toEqual([]);
    for (const e of result.refused) expect(['LINK_IN_TARGET', 'PATH_CONFLICT']).toContain(e.code);
    expect(result.files.length + result.refused.length).toBe(3001);
  }, 120_000);
});

describe('extract: names the target cannot hold', () => {
  it('a 300-byte segment anywhere in the archive fails the whole extraction with NAME_TOO_LONG before anything is written', async () => {
    const { pax } = await import('./helpers/hostile-tar.js');
    const longName = `later/${'n'.repeat(300)}`;
    const source = new MemorySource(
      tar([file('first.txt', 'x'), file('dir/second.txt', 'y'), pax({ path: longName }), file('placeholder', 'z')]),
      'long.fnnx',
    );
    const target = join(tempDir('fnnx-names-'), 'out');
    await expect(extractTar(source, target)).rejects.toMatchObject({ code: 'NAME_TOO_LONG', member: longName, kind: 'artifact' });
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
  });
});
