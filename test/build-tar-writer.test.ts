/**
 * The writer recycles body buffers on a contract it owns (archive positions), not on tar-stream
 * handing each chunk object to the sink unchanged. Here tar-stream is the real one, with its
 * output copied and merged on the way out (as a future version, or a stream in between, might
 * do): the old writer waited forever for its chunk objects; this one must finish with intact
 * bytes. The per-test timeout turns a hang into a failure.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Pack } from 'tar-stream';
import { writeTar } from '../src/build/tar-writer.js';
import { MemorySource, walkTar } from '../src/index.js';

/**
 * Whatever the stream holds at once merged into one fresh copy; a lone chunk split in two views
 * of the same buffer (so a buffer recycled too early would show in the archive).
 */
function copyingMerging(pack: Pack): Pack {
  let ended = false;
  let failed: unknown;
  pack.on('end', () => (ended = true));
  pack.on('error', (e: unknown) => (failed = e));
  const more = () =>
    new Promise<void>((resolve) => {
      const go = () => {
        pack.off('readable', go);
        pack.off('end', go);
        pack.off('error', go);
        resolve();
      };
      pack.on('readable', go);
      pack.on('end', go);
      pack.on('error', go);
    });
  Object.defineProperty(pack, Symbol.asyncIterator, {
    value: async function* () {
      for (;;) {
        const parts: Uint8Array[] = [];
        for (let c: Uint8Array | null; (c = pack.read() as Uint8Array | null) !== null;) parts.push(c);
        if (parts.length > 1) yield Buffer.concat(parts);
        else if (parts.length === 1) {
          const half = parts[0]!.length >> 1;
          yield parts[0]!.subarray(0, half);
          yield parts[0]!.subarray(half);
        } else if (failed !== undefined) throw failed;
        else if (ended) return;
        else await more();
      }
    },
  });
  return pack;
}

vi.mock('tar-stream', async (importOriginal) => {
  const actual = await importOriginal<typeof import('tar-stream')>();
  return { ...actual, pack: (...args: Parameters<typeof actual.pack>) => copyingMerging(actual.pack(...args)) };
});

const CHUNK = 64 * 1024;
const SIZE = 20 * CHUNK + 123;
const byteAt = (i: number) => (i * 7 + (i >> 16)) & 0xff;

/** A body from a ring of three buffers, each overwritten when its turn comes again (as recycledFileChunks). */
async function* recycled(): AsyncGenerator<Uint8Array> {
  const ring = [new Uint8Array(CHUNK), new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  for (let pos = 0, k = 0; pos < SIZE; pos += CHUNK, k++) {
    const buf = ring[k % 3]!;
    const n = Math.min(CHUNK, SIZE - pos);
    for (let i = 0; i < n; i++) buf[i] = byteAt(pos + i);
    yield buf.subarray(0, n);
  }
}

describe('writeTar when tar-stream copies and merges its output chunks', () => {
  it(
    'finishes (no wait for a chunk object that never comes) with every recycled buffer intact in the archive',
    { timeout: 15_000 },
    async () => {
      const out: Uint8Array[] = [];
      let calls = 0;
      let kept: Uint8Array | undefined;
      await writeTar(
        [
          { name: 'manifest.json', body: new TextEncoder().encode('{}') },
          { name: 'model.onnx', body: { size: SIZE, open: recycled } },
          { name: 'after.json', body: new TextEncoder().encode('[]') },
        ],
        async (chunk) => {
          calls++;
          // The sink reads each chunk until its next call returns (a file write in flight), as its contract allows.
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (kept) out.push(Uint8Array.from(kept));
          kept = chunk;
        },
      );
      out.push(Uint8Array.from(kept!));
      const bytes = Buffer.concat(out);
      const { entries } = await walkTar(new MemorySource(bytes));
      const model = entries.find((e) => e.name === 'model.onnx')!;
      expect(entries.map((e) => e.name)).toEqual(['manifest.json', 'model.onnx', 'after.json']);
      const data = bytes.subarray(model.dataOffset, model.dataOffset + model.size);
      expect(data.length).toBe(SIZE);
      const wrong = data.findIndex((b, i) => b !== byteAt(i));
      expect(wrong, 'first corrupted byte of the model').toBe(-1);
      expect(calls).toBeGreaterThan(0);
    },
  );
});
