/**
 * pack against a second process that keeps swapping a member (or a folder on its way) for a
 * symbolic link to a same-size file outside the folder: whatever a round ends in, an artifact
 * written never holds the other file's bytes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isFnnxError } from '../src/errors.js';
import { artifactInputFromDirWith } from '../src/node/pack-dir.js';
import { packToFileWith } from '../src/node/pack.js';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';
import { tempDir } from './helpers/paths.js';

const RACER = fileURLToPath(new URL('./helpers/link-racer.mjs', import.meta.url));
const SECRET = 'SECRET-of-another-user-0600';

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 25));
}

/** Codes a round may end in while the folder changes under it; never success with the secret. */
const RACE_CODES = ['SOURCE_CHANGED', 'SIZE_CHANGED', 'UNSUPPORTED_MEMBER', 'NOT_FOUND', 'NOT_A_FILE'];

describe('pack with a racing process', () => {
  for (const [what, flipped] of [
    ['the member', 'data.bin'],
    ['the folder holding it', ''],
  ] as const) {
    it(`${what} flipped to a link to a same-size file outside: no artifact ever holds that file`, async () => {
      const src = writeDirArtifact(soundPipeline());
      const sub = join(src, 'ops_artifacts/reg/sub');
      mkdirSync(sub);
      writeFileSync(join(sub, 'data.bin'), 'x'.repeat(SECRET.length));
      const base = tempDir('fnnx-pack-race-');
      const outside = join(base, 'outside');
      mkdirSync(outside);
      writeFileSync(join(outside, 'data.bin'), SECRET, { mode: 0o600 });
      const stop = join(base, 'stop');
      const args = flipped ? [sub, flipped, join(outside, 'data.bin'), stop] : [join(src, 'ops_artifacts/reg'), 'sub', outside, stop];
      const racer = spawn(process.execPath, [RACER, ...args], { stdio: 'ignore' });
      const exited = new Promise((r) => racer.on('exit', r));
      await waitFor(`${stop}.ready`);
      const ends: string[] = [];
      try {
        for (let round = 0; round < 30; round++) {
          const out = join(base, `r${round}.fnnx`);
          try {
            const input = await artifactInputFromDirWith(src, { blocking: round % 2 === 0 });
            await packToFileWith(input, out, { blocking: round % 2 === 0 });
            ends.push('packed');
            expect(readFileSync(out).includes(SECRET)).toBe(false);
          } catch (e) {
            if (!isFnnxError(e)) throw e;
            ends.push(e.code);
            expect(RACE_CODES).toContain(e.code);
            expect(existsSync(out)).toBe(false);
          }
        }
      } finally {
        writeFileSync(stop, '');
        await exited;
      }
      expect(Number(readFileSync(`${stop}.flips`, 'utf8'))).toBeGreaterThan(100);
      expect(ends).toHaveLength(30);
    }, 180_000);
  }
});
