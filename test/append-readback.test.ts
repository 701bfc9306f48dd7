import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, readArtifact } from '../src/index.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { soundPipeline, tarOf } from './helpers/validate-artifact.js';

const entry = (id: string) => ({ id, producer: 'tests', producer_version: '1', producer_tags: ['tests::report:v1'], payload: { n: id } });

/**
 * The registry SDK's way to append: Python's tarfile in 'a' mode, which takes no lock (the lock is
 * advisory, as documented). It appends one member at a time (open, append, close) for `seconds`,
 * at random moments; given a size, it starts once the file has grown past it (append-meta writing).
 */
const RACER = [
  'import io, random, sys, tarfile, time',
  'import os',
  'path, seconds, tag, grown = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])',
  "print('ready', flush=True)",
  '# Given a size, wait until the file passes it (append-meta is writing), then race.',
  'while grown and os.stat(path).st_size < grown:',
  '    time.sleep(0.001)',
  'end, i = time.time() + seconds, 0',
  'while time.time() < end:',
  '    i += 1',
  '    try:',
  "        with tarfile.open(path, 'a') as t:",
  "            data = ('%s-%d' % (tag, i)).encode() * 64",
  "            info = tarfile.TarInfo('py-%s-%d.txt' % (tag, i))",
  '            info.size = len(data)',
  '            t.addfile(info, io.BytesIO(data))',
  "        print('closed %f' % time.time(), flush=True)",
  '    # Read mid-write, the file may not parse for Python either: it tries again, as a retrying SDK would.',
  '    except tarfile.ReadError:',
  '        pass',
  '    time.sleep(random.uniform(0, 0.05))',
].join('\n');

/**
 * Starts the racer; `ready` settles once Python is up (its start-up alone can take seconds on a
 * loaded machine); `closed` collects when each of its appends finished (epoch ms).
 */
function race(
  path: string,
  seconds: number,
  tag: string,
  grown: number,
): { ready: Promise<void>; done: Promise<number>; closed: number[] } {
  const child = spawn('python3', ['-c', RACER, path, String(seconds), tag, String(grown)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const closed: number[] = [];
  let buffered = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.on('error', reject);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const l of lines) if (l.startsWith('closed ')) closed.push(Number(l.slice(7)) * 1000);
  });
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { ready, done, closed };
}

/**
 * The one loss no reader can prevent against a writer that ignores the lock: its append, planned
 * before ours, landing after our read-back. Judged by when fnnx-kit was seen to exit (a little after
 * its read-back ended): such a write must have finished after that point, less a margin for the
 * time between read-back and exit on a loaded machine.
 */
const READBACK_TO_EXIT_MS = 500;

/** The metadata ids the artifact holds, or undefined when it no longer reads as an artifact. */
async function entryIds(path: string): Promise<string[] | undefined> {
  try {
    const store = await openStore(path);
    try {
      return (await readArtifact(store)).metadata.map((e) => String(e.entry.id));
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}

describe('an append is read back before it is reported done', () => {
  it("Python's tarfile in append mode racing append-meta, several rounds: whenever fnnx-kit exits 0 its entry is in the artifact (unless a racer's write landed after the read-back); otherwise it failed with TARGET_CHANGED (never INTERNAL)", async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const dir = tempDir('fnnx-readback-');
      const path = join(dir, 'model.fnnx');
      writeFileSync(path, await tarOf(soundPipeline()));
      writeFileSync(join(dir, 'e.json'), JSON.stringify(entry(`round-${round}`)));
      // An attachment makes the append take long enough for the racer to land inside it.
      writeFileSync(join(dir, 'big.bin'), Buffer.alloc(6 << 20, round + 1));
      // Even rounds race the whole command; odd ones start once append-meta is writing its attachment.
      const racer = race(path, 3, `r${round}`, round % 2 === 0 ? 0 : statSync(path).size + (1 << 20));
      await racer.ready;
      const fnnx = await runCliAsync(['append-meta', path, '--entry', join(dir, 'e.json'), '--attach', `big.bin=${join(dir, 'big.bin')}`]);
      const exitedAt = Date.now();
      expect(await racer.done).toBe(0);
      expect(fnnx.stderr).not.toMatch(/INTERNAL/);
      const ids = await entryIds(path);
      if (fnnx.code === 0 && !ids?.includes(`round-${round}`)) {
        // Lost after success: only a racer's write that finished after our read-back may explain it.
        const late = racer.closed.filter((t) => t > exitedAt - READBACK_TO_EXIT_MS);
        expect(
          late.length,
          `round ${round}: fnnx-kit said done, its entry is gone, and no racer write landed after its read-back`,
        ).toBeGreaterThan(0);
        outcomes.push('ok-then-overwritten-after-read-back');
      } else if (fnnx.code === 0) {
        outcomes.push('ok');
      } else {
        expect([1, 2], fnnx.stderr).toContain(fnnx.code);
        // A racer's half-written append past the end is refused before we write (TRAILING_BYTES): nothing claimed either.
        expect(fnnx.stderr).toMatch(/\((TARGET_CHANGED|TRAILING_BYTES)\)/);
        outcomes.push(fnnx.code === 1 ? 'changed-after-write' : 'changed-before-write');
      }
    }
    console.log(`append-meta racing tarfile 'a': ${outcomes.join(', ')}`);
  }, 300_000);
});
