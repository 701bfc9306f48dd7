/**
 * The walk (ranges), the scanner (pushed bytes, split anywhere) and Python's tarfile, on random
 * archives, cuts, corruptions and limits: walk and scanner give the same members or the same
 * error code; whatever they accept, Python lists identically; whatever Python refuses, they
 * refuse. Where they refuse and Python lists, the archive broke in a way Python silently stops
 * at (a cut header, a corrupted later header) or hit a limit Python does not have.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitError, MemorySource, walkTar, type TarLimits } from '../src/index.js';
import { TarScanner } from '../src/tar/scanner.js';
import type { TarEntry } from '../src/tar/entry.js';
import { concat, gnuLongName, header, pad, pax, type HeaderSpec } from './helpers/hostile-tar.js';
import { PythonTarLister, type PythonListing } from './helpers/python-tar-list.js';

interface MemberSpec {
  kind: 'file' | 'directory' | 'symlink';
  name: string;
  nameVia: 'header' | 'prefix' | 'pax' | 'gnu';
  size: number;
  sizeVia: 'octal' | 'base256' | 'pax';
  magic: 'ustar' | 'gnu';
  globalBefore: boolean;
  /** Declare a size far past the archive's end (up to 2^40), as a big member cut short would. */
  huge: boolean;
}

const enc = new TextEncoder();
const segment = fc.stringMatching(/^[a-z0-9_.é日-]{1,40}$/).filter((s) => s !== '.' && s !== '..');
const memberArb: fc.Arbitrary<MemberSpec> = fc.record({
  kind: fc.constantFrom('file', 'file', 'file', 'directory', 'symlink'),
  name: fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
  nameVia: fc.constantFrom('header', 'prefix', 'pax', 'gnu'),
  size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1200 })),
  sizeVia: fc.constantFrom('octal', 'octal', 'base256', 'pax'),
  magic: fc.constantFrom('ustar', 'gnu'),
  globalBefore: fc.boolean(),
  huge: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

function base256(n: number): Uint8Array {
  const field = new Uint8Array(12);
  field[0] = 0x80;
  for (let i = 11, v = n; i > 0 && v > 0; i--, v = Math.floor(v / 256)) field[i] = v % 256;
  return field;
}

/** The ustar split of a long name into prefix and name, when one exists. */
function ustarSplit(name: string): [string, string] | undefined {
  const bytes = enc.encode(name);
  if (bytes.length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const [prefix, rest] = [name.slice(0, i), name.slice(i + 1)];
    if (enc.encode(prefix).length <= 155 && enc.encode(rest).length <= 100 && rest !== '') return [prefix, rest];
  }
  return undefined;
}

function memberBytes(m: MemberSpec): Uint8Array[] {
  const parts: Uint8Array[] = [];
  if (m.globalBefore) parts.push(...pax({ comment: 'global' }, 'g'));
  const hasData = m.kind === 'file';
  const size = hasData ? m.size : 0;
  const declared = m.huge && hasData ? 2 ** 40 + m.size : size;
  const records: Record<string, string> = {};
  const spec: HeaderSpec = {
    typeflag: m.kind === 'file' ? '0' : m.kind === 'directory' ? '5' : '2',
    magic: m.magic,
    linkname: m.kind === 'symlink' ? 'target' : '',
  };
  const split = m.magic === 'ustar' ? ustarSplit(m.name) : enc.encode(m.name).length <= 100 ? ['', m.name] : undefined;
  if (m.nameVia === 'pax' || (m.nameVia !== 'gnu' && !split) || (m.nameVia === 'header' && split?.[0])) {
    records.path = m.name;
    spec.name = m.name.slice(0, 40);
  } else if (m.nameVia === 'gnu') {
    parts.push(...gnuLongName(m.name));
    spec.name = m.name.slice(0, 40);
  } else {
    [spec.prefix, spec.name] = split!;
  }
  if (m.sizeVia === 'pax' && hasData) {
    records.size = String(declared);
    spec.size = 0;
  } else if (m.sizeVia === 'base256') spec.sizeField = base256(declared);
  else if (declared > 0o77777777777) spec.sizeField = base256(declared);
  else spec.size = declared;
  if (Object.keys(records).length > 0) parts.push(...pax(records));
  parts.push(header(spec));
  if (hasData) parts.push(pad(Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) % 256)));
  return parts;
}

interface Case {
  members: MemberSpec[];
  endBlocks: number;
  cut?: number;
  corrupt?: { at: number; xor: number };
  limits?: Partial<TarLimits>;
  pieces: number[];
}

/** A position anywhere in the archive, unbiased (fast-check favours small numbers otherwise). */
const fraction = fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_000);
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const caseArb: fc.Arbitrary<Case> = fc.record({
  members: fc.array(memberArb, { minLength: 1, maxLength: 8 }),
  endBlocks: fc.constantFrom(0, 1, 2, 2),
  cut: sometimes(fraction),
  corrupt: sometimes(fc.record({ at: fraction, xor: fc.integer({ min: 1, max: 255 }) })),
  limits: sometimes(
    fc.record(
      {
        maxMembers: fc.integer({ min: 1, max: 9 }),
        maxExtendedHeader: fc.integer({ min: 16, max: 600 }),
        maxExtendedTotal: fc.integer({ min: 16, max: 3000 }),
        maxNameLength: fc.integer({ min: 10, max: 250 }),
      },
      { requiredKeys: [] },
    ),
  ),
  pieces: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 }),
});

function archive(c: Case): Uint8Array {
  let bytes = concat([...c.members.flatMap(memberBytes), new Uint8Array(512 * c.endBlocks)]);
  if (c.cut !== undefined) bytes = bytes.subarray(0, Math.floor(c.cut * bytes.length));
  if (c.corrupt && bytes.length > 0) {
    bytes = bytes.slice();
    bytes[Math.floor(c.corrupt.at * bytes.length)]! ^= c.corrupt.xor;
  }
  return bytes;
}

type Outcome = { ok: true; entries: TarEntry[]; endOffset: number; warnings: string[] } | { ok: false; code: string; limit?: string };

function outcomeOf(e: unknown): Outcome {
  if (!(e instanceof Error) || !('code' in e)) throw e;
  return { ok: false, code: String(e.code), limit: e instanceof LimitError ? e.limit : undefined };
}

async function walk(bytes: Uint8Array, limits?: Partial<TarLimits>): Promise<Outcome> {
  try {
    const r = await walkTar(new MemorySource(bytes, 'case.tar'), { limits });
    return { ok: true, entries: r.entries, endOffset: r.endOffset, warnings: r.warnings };
  } catch (e) {
    return outcomeOf(e);
  }
}

function scan(bytes: Uint8Array, pieces: number[], limits?: Partial<TarLimits>): Outcome {
  try {
    const s = new TarScanner('case.tar', { limits });
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const n = pieces[i % pieces.length]!;
      s.push(bytes.subarray(at, at + n));
      at += n;
    }
    const r = s.finish();
    return { ok: true, entries: r.entries, endOffset: r.endOffset, warnings: r.warnings };
  } catch (e) {
    return outcomeOf(e);
  }
}

/** Python's view of our entries: its kinds, its offsets, sizes only where data follows. */
function asPython(entries: TarEntry[]): Array<[string, string, number, number, number]> {
  return entries.map((e) => [e.name, e.kind, e.headerOffset, e.dataOffset, e.size]);
}

function pythonSizes(listing: PythonListing & { ok: true }) {
  return listing.members.map(([name, kind, offset, offsetData, size]) => [name, kind, offset, offsetData, kind === 'file' ? size : 0]);
}

/** Ways to break an archive that Python shrugs off (it stops listing) but the kit refuses. */
const STRICTER_THAN_PYTHON = new Set(['TRUNCATED_HEADER', 'BAD_CHECKSUM', 'BAD_NUMBER', 'BAD_PAX', 'BAD_NAME', 'LIMIT_EXCEEDED']);

describe('walk, scanner and Python tarfile agree on random archives', () => {
  let python: PythonTarLister;
  beforeAll(() => {
    python = new PythonTarLister();
  });
  afterAll(() => python.close());

  it(
    'walk and scanner give the same members or the same error; Python lists what they accept and refuses only what they refuse',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const bytes = archive(c);
          const [byWalk, py] = await Promise.all([walk(bytes, c.limits), python.list(bytes)]);
          const byScan = scan(bytes, c.pieces, c.limits);
          expect(byScan).toEqual(byWalk);
          if (byWalk.ok) {
            expect(py.ok, `Python refused what the kit accepts: ${py.ok ? '' : py.error}`).toBe(true);
            expect(asPython(byWalk.entries)).toEqual(pythonSizes(py as PythonListing & { ok: true }));
          } else if (py.ok) {
            expect(STRICTER_THAN_PYTHON, `the kit refused with ${byWalk.code} what Python lists`).toContain(byWalk.code);
          }
        }),
        { numRuns: 1000 },
      );
    },
  );

  it('untouched archives under default limits: all three accept and agree', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(memberArb, { minLength: 1, maxLength: 10 }), fc.constantFrom(0, 2), async (members, endBlocks) => {
        const bytes = archive({ members: members.map((m) => ({ ...m, huge: false })), endBlocks, pieces: [4096] });
        const byWalk = await walk(bytes);
        const py = await python.list(bytes);
        expect(byWalk.ok).toBe(true);
        expect(scan(bytes, [1, 511, 4096])).toEqual(byWalk);
        expect(py.ok && asPython((byWalk as Outcome & { ok: true }).entries)).toEqual(py.ok && pythonSizes(py));
      }),
      { numRuns: 150 },
    );
  });
});
