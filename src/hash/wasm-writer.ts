/**
 * Just enough of the WebAssembly binary format to write a module with one exported function of
 * i32 parameters and one exported memory: what the SHA-256 block function needs. Generating the
 * bytes at load time keeps a compiled blob out of the repository and the code that made it in.
 */

/** The i32 instructions the writer emits, by their opcode. */
export const Op = {
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  load: 0x28,
  store: 0x36,
  const: 0x41,
  eqz: 0x45,
  add: 0x6a,
  sub: 0x6b,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  shrU: 0x76,
  rotl: 0x77,
  rotr: 0x78,
} as const;

const I32 = 0x7f;

export function unsignedLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** i32.const takes a signed LEB128: a constant with its top bit set is written as negative. */
export function signedLeb(n: number): number[] {
  n |= 0;
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && !(byte & 0x40)) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A function body as a flat list of bytes, written one instruction at a time. */
export class CodeWriter {
  readonly bytes: number[] = [];

  get(local: number): this {
    return this.emit(Op.localGet, ...unsignedLeb(local));
  }

  set(local: number): this {
    return this.emit(Op.localSet, ...unsignedLeb(local));
  }

  tee(local: number): this {
    return this.emit(Op.localTee, ...unsignedLeb(local));
  }

  i32(value: number): this {
    return this.emit(Op.const, ...signedLeb(value));
  }

  /** i32.load at address-on-stack + offset; align is log2 of the alignment promised. */
  load(offset: number, align = 0): this {
    return this.emit(Op.load, align, ...unsignedLeb(offset));
  }

  store(offset: number, align = 0): this {
    return this.emit(Op.store, align, ...unsignedLeb(offset));
  }

  op(...codes: number[]): this {
    return this.emit(...codes);
  }

  /** `block` and `loop` with no result. */
  block(): this {
    return this.emit(0x02, 0x40);
  }

  loop(): this {
    return this.emit(0x03, 0x40);
  }

  br(depth: number): this {
    return this.emit(0x0c, ...unsignedLeb(depth));
  }

  brIf(depth: number): this {
    return this.emit(0x0d, ...unsignedLeb(depth));
  }

  end(): this {
    return this.emit(0x0b);
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
}

export interface OneFunctionModule {
  /** Memory size, in 64 KiB pages; exported as `memory`. */
  pages: number;
  functionName: string;
  /** Number of i32 parameters; the function returns nothing. */
  params: number;
  /** Number of i32 locals after the parameters. */
  locals: number;
  /** The body's instructions, without the final `end`. */
  code: CodeWriter;
}

export function writeModule(m: OneFunctionModule): Uint8Array {
  const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
  const section = (id: number, body: number[]) => [id, ...unsignedLeb(body.length), ...body];
  const name = (s: string) => vector([...s].map((ch) => [ch.charCodeAt(0)]));
  const body = [...vector([[...unsignedLeb(m.locals), I32]]), ...m.code.bytes, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(Array.from({ length: m.params }, () => [I32])), 0x00]])),
    ...section(3, vector([[0x00]])),
    ...section(5, vector([[0x00, ...unsignedLeb(m.pages)]])),
    ...section(
      7,
      vector([
        [...name('memory'), 0x02, 0x00],
        [...name(m.functionName), 0x00, 0x00],
      ]),
    ),
    ...section(10, vector([[...unsignedLeb(body.length), ...body]])),
  ]);
}
