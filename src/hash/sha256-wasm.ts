/**
 * A streaming SHA-256 over the generated block function (sha256-block-module.ts): the browser's
 * SHA-256, where node:crypto does not exist. Input is copied into the module's memory 64 KiB at a
 * time (a piece that stays in cache) and hashed there; a partial block waits at the start of
 * the input area for the next update.
 */
import { UsageError } from '../errors.js';
import { INPUT_ADDRESS, STATE_ADDRESS, sha256BlockModule } from './sha256-block-module.js';
import type { Hasher } from './hasher.js';

const PIECE = 64 * 1024;
const PAGES = 2; // the state, then the input area: 64 + 64 KiB fits in two 64 KiB pages
const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

interface BlockExports {
  memory: WebAssembly.Memory;
  blocks: (ptr: number, count: number) => void;
}

// Compiled once per realm: every hasher after the first only instantiates, and reuses the
// engine's optimised code once it has been tiered up.
let compiled: Promise<WebAssembly.Module> | undefined;

export async function createSha256Wasm(): Promise<Hasher> {
  compiled ??= WebAssembly.compile(sha256BlockModule(PAGES) as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(await compiled);
  return new Sha256Wasm(instance.exports as unknown as BlockExports);
}

class Sha256Wasm implements Hasher {
  private readonly memory: Uint8Array;
  /** The state words as the module stores them: little-endian, whatever the host's order. */
  private readonly state: DataView;
  /** Bytes of an unfinished block waiting at INPUT_ADDRESS. */
  private pending = 0;
  private length = 0;
  private finished = false;

  constructor(private readonly wasm: BlockExports) {
    this.memory = new Uint8Array(wasm.memory.buffer);
    this.state = new DataView(wasm.memory.buffer, STATE_ADDRESS, 32);
    INITIAL_STATE.forEach((word, i) => this.state.setUint32(4 * i, word, true));
  }

  update(bytes: Uint8Array): void {
    if (this.finished) throw new UsageError('HASHER_FINISHED', 'SHA-256: update after the digest was taken');
    this.length += bytes.length;
    let offset = this.fillPending(bytes);
    while (bytes.length - offset >= 64) {
      const take = Math.min(PIECE, bytes.length - offset) & ~63;
      this.memory.set(bytes.subarray(offset, offset + take), INPUT_ADDRESS);
      this.wasm.blocks(INPUT_ADDRESS, take >>> 6);
      offset += take;
    }
    if (offset < bytes.length) {
      this.memory.set(bytes.subarray(offset), INPUT_ADDRESS);
      this.pending = bytes.length - offset;
    }
  }

  digestHex(): string {
    if (this.finished) throw new UsageError('HASHER_FINISHED', 'SHA-256: the digest was already taken');
    this.finished = true;
    this.wasm.blocks(INPUT_ADDRESS, this.writePadding());
    const words = Array.from({ length: 8 }, (_, i) => this.state.getUint32(4 * i, true));
    return words.map((word) => word.toString(16).padStart(8, '0')).join('');
  }

  /** Tops up a waiting partial block from `bytes`; returns how many bytes it took. */
  private fillPending(bytes: Uint8Array): number {
    if (this.pending === 0) return 0;
    const take = Math.min(64 - this.pending, bytes.length);
    this.memory.set(bytes.subarray(0, take), INPUT_ADDRESS + this.pending);
    this.pending += take;
    if (this.pending === 64) {
      this.wasm.blocks(INPUT_ADDRESS, 1);
      this.pending = 0;
    }
    return take;
  }

  /** 0x80, zeros, then the length in bits as 64 big-endian bits; returns the blocks it fills. */
  private writePadding(): number {
    const blocks = this.pending < 56 ? 1 : 2;
    const end = INPUT_ADDRESS + 64 * blocks;
    this.memory.fill(0, INPUT_ADDRESS + this.pending, end);
    this.memory[INPUT_ADDRESS + this.pending] = 0x80;
    // length * 8 can pass 2^53; split it before multiplying.
    const view = new DataView(this.memory.buffer);
    view.setUint32(end - 8, Math.floor(this.length / 2 ** 29));
    view.setUint32(end - 4, (this.length % 2 ** 29) * 8);
    return blocks;
  }
}
