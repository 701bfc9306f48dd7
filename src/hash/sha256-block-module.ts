/**
 * The SHA-256 compression function (FIPS 180-4) as one WebAssembly function,
 * `blocks(ptr, count)`: hashes `count` 64-byte blocks at `ptr` into the eight state words kept at
 * address 0. The 64 rounds are unrolled with the working variables renamed instead of moved, the
 * message schedule lives in sixteen locals, and the round constants are immediates, so a round is
 * straight-line register arithmetic. hash-wasm's compiled C copies every block, gathers its
 * bytes one at a time and keeps the schedule in memory, which is why this one is faster.
 */
// Figures: bench/README.md, "Browser".
import { CodeWriter, Op, writeModule } from './wasm-writer.js';

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** Where the state words live in the module's memory, and where input blocks are copied. */
export const STATE_ADDRESS = 0;
export const INPUT_ADDRESS = 64;

// Locals: the two parameters, the working variables a..h, the state H0..H7 carried across blocks,
// the schedule W[t mod 16], two round temporaries and the last two rounds' a ^ b.
const PTR = 0;
const COUNT = 1;
const VARS = 2;
const STATE = 10;
const W = 18;
const T1 = 34;
const T2 = 35;
/** The local holding round t's a ^ b (two alternate, so the last round's is still there). */
const aXorB = (t: number) => 36 + (t & 1);
const LOCALS = 38 - 2;

/** Which locals hold a, b, c, d, e, f, g, h in a round. */
type Names = readonly [number, number, number, number, number, number, number, number];

/** x rotr r1 ^ x rotr r2 ^ (x rotr r3, or x >>> r3 for the schedule's small sigmas). */
function sigma(c: CodeWriter, x: number, r1: number, r2: number, r3: number, lastIsShift: boolean): void {
  c.get(x).i32(r1).op(Op.rotr).get(x).i32(r2).op(Op.rotr).op(Op.xor);
  c.get(x)
    .i32(r3)
    .op(lastIsShift ? Op.shrU : Op.rotr)
    .op(Op.xor);
}

/** Memory is little-endian; SHA-256 reads its words big-endian. */
function loadBigEndianWord(c: CodeWriter, i: number): void {
  c.get(PTR)
    .load(4 * i)
    .set(T1);
  c.get(T1).i32(0x00ff00ff).op(Op.and).i32(8).op(Op.rotr);
  c.get(T1).i32(0xff00ff00).op(Op.and).i32(8).op(Op.rotl);
  c.op(Op.or).set(W + i);
}

/** W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], in the 16-word ring. */
function extendSchedule(c: CodeWriter, t: number): void {
  const w = (back: number) => W + ((t - back) & 15);
  sigma(c, w(2), 17, 19, 10, true);
  c.get(w(7)).op(Op.add);
  sigma(c, w(15), 7, 18, 3, true);
  c.op(Op.add)
    .get(w(16))
    .op(Op.add)
    .set(W + (t & 15));
}

/** Round t, with constant k; `v` names the locals holding a..h this round. Returns the names for the next. */
function round(c: CodeWriter, t: number, k: number, v: Names): Names {
  const [a, b, cc, d, e, f, g, h] = v;
  if (t >= 16) extendSchedule(c, t);
  // T1 = h + K[t] + W[t] + Ch(e, f, g) + Σ1(e), summed so h + K + W need not wait for e.
  c.get(h)
    .i32(k)
    .op(Op.add)
    .get(W + (t & 15))
    .op(Op.add);
  c.get(g).get(e).get(f).get(g).op(Op.xor, Op.and, Op.xor, Op.add);
  sigma(c, e, 6, 11, 25, false);
  c.op(Op.add).set(T1);
  // T2 = Σ0(a) + Maj(a, b, c), with Maj = b ^ ((a ^ b) & (b ^ c)) and b ^ c last round's a ^ b.
  sigma(c, a, 2, 13, 22, false);
  c.get(b).get(a).get(b).op(Op.xor).tee(aXorB(t));
  if (t === 0) c.get(b).get(cc).op(Op.xor);
  else c.get(aXorB(t - 1));
  c.op(Op.and, Op.xor, Op.add).set(T2);
  c.get(d).get(T1).op(Op.add).set(d);
  c.get(T1).get(T2).op(Op.add).set(h);
  return [h, a, b, cc, d, e, f, g];
}

function blocksFunction(): CodeWriter {
  const c = new CodeWriter();
  for (let i = 0; i < 8; i++)
    c.i32(STATE_ADDRESS)
      .load(4 * i, 2)
      .tee(STATE + i)
      .set(VARS + i);
  c.block().loop();
  c.get(COUNT).op(Op.eqz).brIf(1);
  for (let i = 0; i < 16; i++) loadBigEndianWord(c, i);
  let v: Names = [VARS, VARS + 1, VARS + 2, VARS + 3, VARS + 4, VARS + 5, VARS + 6, VARS + 7];
  for (const [t, k] of K.entries()) v = round(c, t, k, v);
  // 64 rounds rename the variables full circle: a..h are back in their own locals.
  for (let i = 0; i < 8; i++)
    c.get(STATE + i)
      .get(VARS + i)
      .op(Op.add)
      .tee(STATE + i)
      .set(VARS + i);
  c.get(PTR).i32(64).op(Op.add).set(PTR);
  c.get(COUNT).i32(1).op(Op.sub).set(COUNT);
  c.br(0).end().end();
  for (let i = 0; i < 8; i++)
    c.i32(STATE_ADDRESS)
      .get(STATE + i)
      .store(4 * i, 2);
  return c;
}

/** The module's bytes; `pages` of memory must hold the state and the caller's input buffer. */
export function sha256BlockModule(pages: number): Uint8Array {
  return writeModule({ pages, functionName: 'blocks', params: 2, locals: LOCALS, code: blocksFunction() });
}
