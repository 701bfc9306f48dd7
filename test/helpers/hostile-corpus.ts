/**
 * The generated hostile corpus: archives built in code, each aimed at one check, with what every
 * command must answer. `string` = the command fails with that one error code (exit 1);
 * `string[]` = extract refuses members with exactly these codes (exit 1) and writes the rest;
 * 'ok' = exit 0.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { BLOCK, END, concat, file, gnuLongName, header, pad, pax, paxRecord, randomBytes, tar, writeSparse } from './hostile-tar.js';

export type Outcome = 'ok' | string | string[];

export interface HostileCase {
  name: string;
  build(path: string): void | Promise<void>;
  inspect: Outcome;
  index: Outcome;
  extract: Outcome;
  /** What `card show` must answer, for the model-card cases. */
  card?: Outcome;
  /** Extra CLI arguments for every command (e.g. a lowered limit). */
  args?: string[];
  /** Plants things in the extraction target before extract runs (links that must not be followed). */
  plant?(target: string, outside: string): void;
}

const enc = new TextEncoder();
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const MANIFEST = JSON.stringify({
  variant: 'pipeline',
  producer_name: 'hostile-corpus',
  producer_version: '1.0.0',
  producer_tags: [],
  inputs: [],
  outputs: [],
  dynamic_attributes: [],
  env_vars: [],
});

/** The root files of a small sound artifact, as tar parts. */
export function soundRoot(overrides: Record<string, string> = {}): Uint8Array[][] {
  const files: Record<string, string> = {
    'manifest.json': MANIFEST,
    'ops.json': '[]',
    'variant_config.json': '{"nodes":[]}',
    'dtypes.json': '{}',
    'env.json': '{}',
    'meta.json': '[]',
    ...overrides,
  };
  return Object.entries(files).map(([n, d]) => file(n, d));
}

export function soundTar(extra: Uint8Array[][] = []): Uint8Array {
  return tar([...soundRoot(), ...extra]);
}

const write = (bytes: Uint8Array) => (path: string) => writeFileSync(path, bytes);

/** A sound tar with one member's header bytes replaced by `mutate`'s result. */
function withBadSecondHeader(mutate: (h: Uint8Array) => void): Uint8Array {
  const bytes = soundTar();
  const second = 2 * BLOCK; // manifest.json header + one data block, then ops.json's header
  mutate(bytes.subarray(second, second + BLOCK));
  return bytes;
}

function base256(n: bigint, negative = false): Uint8Array {
  const f = new Uint8Array(12);
  let v = n;
  for (let i = 11; i >= 1; i--) {
    f[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  f[0] = negative ? 0xff : 0x80;
  if (negative) for (let i = 1; i < 12; i++) f[i] = 0xff;
  return f;
}

/** A real model-card zip with one index.html, made by yazl (as the registry's SDK makes them). */
export function cardZip(
  entries: Array<[string, Uint8Array]> = [['index.html', enc.encode('<h1>card</h1>')]],
  compress = true,
): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(Buffer.from(data), name, { compress: compress && data.length > 0, mtime: new Date(0) });
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => parts.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** Rewrites a zip's declared uncompressed sizes (central directory, and local headers if asked). */
export function lieAboutSizes(zip: Uint8Array, size: number, local: boolean): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, size, true);
    if (local && sig === 0x04034b50) view.setUint32(i + 22, size, true);
  }
  return out;
}

export const CARD_MEMBER = 'meta_artifacts/dataforce.studio~c~~c~model_card~c~v1~~et~~0123456789abcdef0123456789abcdef/model_card.zip';

export async function cardArtifact(zip: Uint8Array): Promise<Uint8Array> {
  return soundTar([pax({ path: CARD_MEMBER }), file('model_card.zip', zip)]);
}

/** The zip-bomb cases, checked through ZipReader (`card show` reads cards that way). */
export const ZIP_CASES: Array<{ name: string; zip: () => Promise<Uint8Array>; code: string; limit?: string }> = [
  {
    name: 'zip declaring 4 GiB uncompressed',
    zip: async () => lieAboutSizes(await cardZip(), 0xfffffff0, false),
    code: 'LIMIT_EXCEEDED',
    limit: 'maxZipUncompressed',
  },
  {
    name: 'zip whose entry inflates past its declared size',
    zip: async () => lieAboutSizes(await cardZip([['index.html', new Uint8Array(8 * MiB)]]), 1000, true),
    code: 'BAD_ZIP',
  },
  {
    name: 'zip with 10,001 entries',
    zip: () => cardZip(Array.from({ length: 10_001 }, (_, i) => [`e${i}.html`, new Uint8Array(0)] as [string, Uint8Array])),
    code: 'LIMIT_EXCEEDED',
    limit: 'maxZipEntries',
  },
  {
    name: 'zip entry named ../../evil.html',
    zip: async () => {
      const z = await cardZip([['xx/xx/evil.html', enc.encode('x')]]);
      return replaceAll(z, enc.encode('xx/xx/'), enc.encode('../../'));
    },
    code: 'PATH_TRAVERSAL',
  },
  { name: 'zip that is random bytes', zip: async () => randomBytes(4096, 7), code: 'BAD_ZIP' },
];

export const SECRET = 'SECRET bytes of another member';

/**
 * A card whose zip is only a central directory and its end record, the directory pointing past
 * the zip's own member at a well-formed local header + index.html hidden in the NEXT member: a
 * reader that follows offsets outside the member would show another member's bytes as the card.
 */
export async function cardPointingOutside(): Promise<Uint8Array> {
  const whole = await cardZip([['index.html', enc.encode(SECRET)]], false);
  const v = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
  const eocd = whole.length - 22;
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOffset = v.getUint32(eocd + 16, true);
  const card = Uint8Array.from(whole.subarray(cdOffset));
  const cv = new DataView(card.buffer);
  const padded = Math.ceil(card.length / BLOCK) * BLOCK;
  // The next member's data starts after this member's padded data and the next header.
  cv.setUint32(42, padded + BLOCK, true);
  cv.setUint32(cdSize + 16, 0, true);
  return soundTar([pax({ path: CARD_MEMBER }), file('model_card.zip', card), file('secret.bin', whole.subarray(0, cdOffset))]);
}

function replaceAll(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i + from.length <= out.length; i++) {
    if (from.every((b, j) => out[i + j] === b)) out.set(to, i);
  }
  return out;
}

/**
 * What a hostile string carries to a terminal: clear screen, an OSC window title ended by BEL, a
 * CR/LF forging a line, a C1 CSI (U+009B), and a right-to-left override (`gnp.exe` shows as `exe.png`).
 */
export const EVIL = 'a\u001b[2J\u001b]0;pwned\u0007b\r\nfnnx-kit: all good (OK)\u009b31m\u202egnp.exe';

/** Characters that must never reach a terminal raw (a newline only as our own line break). */
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * An artifact whose every string carries EVIL: member names (one of them a traversal, so extract
 * reports it), manifest name/description/producer/tags, IO names and dtypes, op ids, dtypes.json
 * names, metadata ids/tags/producer (a legacy entry and a broken sidecar make warnings quote them).
 */
export function escapesArtifact(): Uint8Array {
  const io = (n: string) => ({ name: `${n}${EVIL}`, content_type: 'NDJSON', dtype: `Array[${EVIL}]`, shape: [EVIL], tags: [EVIL] });
  const manifest = {
    variant: EVIL,
    name: EVIL,
    version: EVIL,
    description: EVIL,
    producer_name: EVIL,
    producer_version: EVIL,
    producer_tags: [EVIL],
    inputs: [io('in')],
    outputs: [io('out')],
    dynamic_attributes: [],
    env_vars: [],
  };
  const entry = { id: EVIL, producer: EVIL, producer_version: EVIL, producer_tags: [EVIL], payload: { [EVIL]: EVIL } };
  return tar([
    ...soundRoot({
      'manifest.json': JSON.stringify(manifest),
      'ops.json': JSON.stringify([{ id: EVIL, op: EVIL, inputs: [], outputs: [], attributes: {} }]),
      'dtypes.json': JSON.stringify({ [EVIL]: { type: 'object' } }),
      'meta.json': JSON.stringify([entry, { id: EVIL, tags: [EVIL], payload: {} }]),
    }),
    pax({ path: `ops_artifacts/${EVIL}/model.onnx` }),
    file('model.onnx', 'x'),
    pax({ path: EVIL }),
    file('evil', 'x'),
    pax({ path: `../${EVIL}` }),
    file('innocent', 'x'),
    pax({ path: `meta-${EVIL}.json` }),
    file('meta-x.json', '{"not": "an array"}'),
  ]);
}

/** Names that are Object.prototype properties: as keys of a plain object they find the prototype's. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/**
 * Members, metadata ids (each twice: meta.json and a sidecar), dtypes.json names and an op id
 * named after Object.prototype properties; the manifest uses the dtype "toString", not defined.
 */
export function protoNamesArtifact(): Uint8Array {
  const manifest = JSON.parse(MANIFEST) as Record<string, unknown>;
  manifest.inputs = [{ name: 'toString', content_type: 'JSON', dtype: 'toString' }];
  const entries = JSON.stringify(PROTO_NAMES.map((id) => ({ id, producer: 'p', producer_version: '1', producer_tags: [], payload: {} })));
  // Written as text: an object literal's "__proto__" key would set the prototype, not a key.
  const dtypes = '{"__proto__": {"type": "object"}, "constructor": {"type": "object"}, "hasOwnProperty": {"type": "object"}}';
  const ops = JSON.stringify([{ id: 'constructor', op: 'ONNX_v1', inputs: [], outputs: [], dynamic_attributes: [], attributes: {} }]);
  return tar([
    ...soundRoot({ 'manifest.json': JSON.stringify(manifest), 'meta.json': entries, 'dtypes.json': dtypes, 'ops.json': ops }),
    file('meta-0123456789abcdef0123456789abcdef.json', entries),
    ...PROTO_NAMES.map((n) => file(n, n)),
  ]);
}

/** A JSON array of `n` empty objects: the cheapest bytes per parsed value. */
export function emptyObjects(n: number): string {
  return `[${'{},'.repeat(n - 1)}{}]`;
}

/** A sound artifact plus sidecars meta-<i>.json holding the given JSON texts. */
export function withSidecars(bodies: string[]): Uint8Array {
  return soundTar(bodies.map((b, i) => file(`meta-${String(i).padStart(8, '0')}.json`, b)));
}

/** `n` sidecars of one conforming entry each (ids e0, e1, ...): validate once scanned every member per entry. */
export function manySidecars(n: number): Uint8Array {
  const parts: Uint8Array[][] = [];
  for (let i = 0; i < n; i++)
    parts.push(file(`meta-${i}.json`, `[{"id":"e${i}","producer":"p","producer_version":"1","producer_tags":[],"payload":{}}]`));
  return soundTar(parts);
}

const traversal = ['PATH_TRAVERSAL'];

function build200k(path: string): void {
  const parts: Uint8Array[] = [...soundRoot().flat()];
  for (let i = 0; i < 200_000; i++) parts.push(header({ name: `many/${i}` }));
  writeFileSync(path, concat([...parts, END]));
}

export const CASES: HostileCase[] = [
  // --- not a tar at all
  { name: 'empty file', build: write(new Uint8Array(0)), inspect: 'EMPTY_ARCHIVE', index: 'EMPTY_ARCHIVE', extract: 'EMPTY_ARCHIVE' },
  {
    name: 'only zero blocks',
    build: write(new Uint8Array(20 * BLOCK)),
    inspect: 'EMPTY_ARCHIVE',
    index: 'EMPTY_ARCHIVE',
    extract: 'EMPTY_ARCHIVE',
  },
  { name: 'random bytes', build: write(randomBytes(64 * 1024, 1)), inspect: 'NOT_A_TAR', index: 'NOT_A_TAR', extract: 'NOT_A_TAR' },
  {
    name: 'random bytes shorter than a block',
    build: write(randomBytes(100, 2)),
    inspect: 'NOT_A_TAR',
    index: 'NOT_A_TAR',
    extract: 'NOT_A_TAR',
  },
  {
    name: 'gzip-compressed artifact',
    build: (p) => writeFileSync(p, gzipSync(soundTar())),
    inspect: 'COMPRESSED',
    index: 'COMPRESSED',
    extract: 'COMPRESSED',
  },
  {
    name: 'gzip of a few bytes (shorter than a block)',
    build: (p) => writeFileSync(p, gzipSync(Buffer.from('x'))),
    inspect: 'COMPRESSED',
    index: 'COMPRESSED',
    extract: 'COMPRESSED',
  },
  {
    name: 'a zip file instead of a tar',
    build: async (p) => writeFileSync(p, await cardZip()),
    inspect: 'NOT_A_TAR',
    index: 'NOT_A_TAR',
    extract: 'NOT_A_TAR',
  },
  // --- header fields
  {
    name: 'bad checksum in the second header',
    build: write(withBadSecondHeader((h) => (h[148] = 0x37))),
    inspect: 'BAD_CHECKSUM',
    index: 'BAD_CHECKSUM',
    extract: 'BAD_CHECKSUM',
  },
  {
    name: 'octal garbage in a size field',
    build: write(tar([...soundRoot(), [header({ name: 'x.bin', sizeField: enc.encode('12z4\u0000') })]])),
    inspect: 'BAD_NUMBER',
    index: 'BAD_NUMBER',
    extract: 'BAD_NUMBER',
  },
  {
    name: 'negative base-256 size',
    build: write(tar([...soundRoot(), [header({ name: 'x.bin', sizeField: base256(1n, true) })]])),
    inspect: 'BAD_NUMBER',
    index: 'BAD_NUMBER',
    extract: 'BAD_NUMBER',
  },
  {
    name: 'base-256 size of 2^80 (beyond 2^53)',
    build: write(tar([...soundRoot(), [header({ name: 'x.bin', sizeField: base256(1n << 80n) })]])),
    inspect: 'BAD_NUMBER',
    index: 'BAD_NUMBER',
    extract: 'BAD_NUMBER',
  },
  {
    name: 'base-256 size of 1 TiB past the end of the file',
    build: write(tar([...soundRoot(), [header({ name: 'x.bin', sizeField: base256(1n << 40n) })]])),
    inspect: 'TRUNCATED_DATA',
    index: 'TRUNCATED_DATA',
    extract: 'TRUNCATED_DATA',
  },
  {
    name: 'octal size 77777777777 past the end of the file',
    build: write(tar([...soundRoot(), [header({ name: 'x.bin', sizeField: enc.encode('77777777777\u0000') })]])),
    inspect: 'TRUNCATED_DATA',
    index: 'TRUNCATED_DATA',
    extract: 'TRUNCATED_DATA',
  },
  {
    name: 'file ends inside a header',
    build: write(concat([...soundRoot().flat(), header({ name: 'x.bin', size: 3 }).subarray(0, 300)])),
    inspect: 'TRUNCATED_HEADER',
    index: 'TRUNCATED_HEADER',
    extract: 'TRUNCATED_HEADER',
  },
  {
    name: 'file ends inside member data',
    build: write(concat([...soundRoot().flat(), header({ name: 'x.bin', size: 5000 }), new Uint8Array(1024)])),
    inspect: 'TRUNCATED_DATA',
    index: 'TRUNCATED_DATA',
    extract: 'TRUNCATED_DATA',
  },
  {
    name: 'negative base-256 mtime',
    build: write(tar([...soundRoot(), file('x.bin', 'x', { mtimeField: base256(5n, true) })])),
    inspect: 'BAD_NUMBER',
    index: 'BAD_NUMBER',
    extract: 'BAD_NUMBER',
  },
  // --- PAX records
  {
    name: 'PAX size record of -1',
    build: write(tar([...soundRoot(), pax({ size: '-1' }), file('x.bin', 'x')])),
    inspect: 'BAD_PAX',
    index: 'BAD_PAX',
    extract: 'BAD_PAX',
  },
  {
    name: 'PAX size record of 10^15 (past the end)',
    build: write(tar([...soundRoot(), pax({ size: '1000000000000000' }), file('x.bin', 'x')])),
    inspect: 'TRUNCATED_DATA',
    index: 'TRUNCATED_DATA',
    extract: 'TRUNCATED_DATA',
  },
  {
    name: 'PAX record whose length lies',
    build: (p) => {
      const body = enc.encode('999 path=x.bin\n');
      writeFileSync(
        p,
        tar([...soundRoot(), [header({ name: 'PaxHeader', size: body.length, typeflag: 'x' }), pad(body)], file('x.bin', 'x')]),
      );
    },
    inspect: 'BAD_PAX',
    index: 'BAD_PAX',
    extract: 'BAD_PAX',
  },
  {
    name: 'PAX record length that is not a number',
    build: (p) => {
      const body = enc.encode('-5 path=x\n');
      writeFileSync(
        p,
        tar([...soundRoot(), [header({ name: 'PaxHeader', size: body.length, typeflag: 'x' }), pad(body)], file('x.bin', 'x')]),
      );
    },
    inspect: 'BAD_PAX',
    index: 'BAD_PAX',
    extract: 'BAD_PAX',
  },
  {
    name: 'PAX path with a NUL byte',
    build: write(tar([...soundRoot(), pax({ path: 'ok.txt\u0000../../evil' }), file('x.bin', 'x')])),
    inspect: 'NUL_IN_NAME',
    index: 'NUL_IN_NAME',
    extract: 'NUL_IN_NAME',
  },
  {
    name: '1 GiB PAX header (sparse file)',
    build: (p) => {
      const head = concat([...soundRoot().flat(), header({ name: 'PaxHeader', size: GiB, typeflag: 'x' })]);
      writeSparse(p, head, head.length + GiB + 2 * BLOCK);
    },
    inspect: 'LIMIT_EXCEEDED',
    index: 'LIMIT_EXCEEDED',
    extract: 'LIMIT_EXCEEDED',
  },
  {
    name: '200 PAX headers of 1 MiB each (sparse: over maxExtendedTotal)',
    build: (p) => {
      const fd = openSync(p, 'w');
      const root = concat(soundRoot().flat());
      writeSync(fd, root, 0, root.length, 0);
      let at = root.length;
      for (let i = 0; i < 200; i++) {
        writeSync(fd, header({ name: 'PaxHeader', size: MiB, typeflag: 'x' }), 0, BLOCK, at);
        at += BLOCK + MiB;
      }
      const tail = concat([...file('x.bin', 'x'), END]);
      writeSync(fd, tail, 0, tail.length, at);
      closeSync(fd);
    },
    inspect: 'LIMIT_EXCEEDED',
    index: 'LIMIT_EXCEEDED',
    extract: 'LIMIT_EXCEEDED',
  },
  {
    name: 'PAX path of 5000 characters (over maxNameLength)',
    build: write(tar([...soundRoot(), pax({ path: 'a/'.repeat(2500) + 'x' }), file('x.bin', 'x')])),
    inspect: 'LIMIT_EXCEEDED',
    index: 'LIMIT_EXCEEDED',
    extract: 'LIMIT_EXCEEDED',
  },
  // --- names that escape
  { name: 'absolute path', build: write(soundTar([file('/tmp/fnnx-evil', 'x')])), inspect: 'ok', index: 'ok', extract: ['ABSOLUTE_PATH'] },
  { name: '.. in the name', build: write(soundTar([file('../../fnnx-evil', 'x')])), inspect: 'ok', index: 'ok', extract: traversal },
  {
    name: '.. inside a path',
    build: write(soundTar([file('ops_artifacts/../../fnnx-evil', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: '.. in the ustar prefix field',
    build: write(soundTar([file('evil', 'x', { prefix: '../..' })])),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: 'PAX path traversal',
    build: write(soundTar([pax({ path: '../pax-evil' }), file('innocent', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: 'GNU long-name traversal',
    build: write(soundTar([gnuLongName('../' + 'd/'.repeat(60) + 'gnu-evil'), file('innocent', 'x', { magic: 'gnu' })])),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: 'Windows drive-letter path',
    build: write(soundTar([file('C:/fnnx-evil', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: ['ABSOLUTE_PATH'],
  },
  { name: 'backslash traversal', build: write(soundTar([file('..\\..\\fnnx-evil', 'x')])), inspect: 'ok', index: 'ok', extract: traversal },
  { name: 'empty member name', build: write(soundTar([file('', 'x')])), inspect: 'ok', index: 'ok', extract: ['EMPTY_NAME'] },
  {
    name: 'traversal name holding a newline and an escape sequence',
    build: write(soundTar([pax({ path: '../x\nfnnx-kit: all good (OK)\u001b[2J' }), file('innocent', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: 'non-UTF-8 member names',
    build: write(
      soundTar([file(Uint8Array.from([0x66, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]), 'x'), file(Uint8Array.from([0xc3, 0x28]), 'y')]),
    ),
    inspect: 'ok',
    index: 'ok',
    extract: ['NAME_ENCODING', 'NAME_ENCODING'],
  },
  {
    name: 'path 200 levels deep (over maxPathDepth)',
    build: write(soundTar([pax({ path: 'd/'.repeat(200) + 'x' }), file('innocent', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: ['LIMIT_EXCEEDED'],
  },
  {
    name: 'every string carries ESC/OSC/BEL, CR/LF, C1 CSI and a bidi override',
    build: write(escapesArtifact()),
    inspect: 'ok',
    index: 'ok',
    extract: traversal,
  },
  {
    name: 'members, metadata ids, dtypes and an op id named __proto__, constructor, toString, hasOwnProperty',
    build: write(protoNamesArtifact()),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
  },
  // --- names the target file system cannot hold: refused before anything is written
  {
    name: 'member name segment of 300 bytes (over NAME_MAX)',
    build: write(soundTar([file('data/first.txt', 'x'), pax({ path: `data/${'n'.repeat(300)}` }), file('innocent', 'x')])),
    inspect: 'ok',
    index: 'ok',
    extract: 'NAME_TOO_LONG',
  },
  {
    name: 'member path of 4,089 bytes (over PATH_MAX once under the target; within maxNameLength)',
    build: write(
      soundTar([file('data/first.txt', 'x'), pax({ path: `${'d'.repeat(254)}/`.repeat(16) + 'x'.repeat(9) }), file('innocent', 'x')]),
    ),
    inspect: 'ok',
    index: 'ok',
    extract: 'NAME_TOO_LONG',
  },
  // --- how the archive ends: tar readers stop at the first zero block
  {
    name: "non-zero bytes after the end blocks (a killed append's remains)",
    build: write(concat([soundTar(), enc.encode('half of a member header'), new Uint8Array(BLOCK)])),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: "archive ending inside its last member's padding",
    build: write(soundTar().subarray(0, soundTar().length - END.length - BLOCK + 2)),
    inspect: 'TRUNCATED_DATA',
    index: 'TRUNCATED_DATA',
    extract: 'TRUNCATED_DATA',
  },
  // --- links and special files
  {
    name: 'symbolic link to /etc',
    build: write(soundTar([[header({ name: 'etc', typeflag: '2', linkname: '/etc' })]])),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_LINK'],
  },
  {
    name: 'symlink then a write through the linked directory',
    build: write(soundTar([[header({ name: 'escape', typeflag: '2', linkname: '../..' })], file('escape/fnnx-evil', 'pwned')])),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_LINK', 'LINK_IN_PATH'],
  },
  {
    name: 'hard link to a file outside, then a write to it',
    build: write(
      soundTar([
        [header({ name: 'hl', typeflag: '1', linkname: '../outside/victim' })],
        file('hl', 'last wins'),
        [header({ name: 'hl2', typeflag: '1', linkname: '/etc/passwd' })],
      ]),
    ),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_LINK'],
  },
  {
    name: 'character and block devices',
    build: write(
      soundTar([
        [header({ name: 'null', typeflag: '3', devmajor: 1, devminor: 3 })],
        [header({ name: 'sda', typeflag: '4', devmajor: 8 })],
      ]),
    ),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_SPECIAL', 'MEMBER_SPECIAL'],
  },
  {
    name: 'FIFO',
    build: write(soundTar([[header({ name: 'pipe', typeflag: '6' })]])),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_SPECIAL'],
  },
  {
    name: 'unknown type flag Z',
    build: write(soundTar([file('odd', 'x', { typeflag: 'Z' })])),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_SPECIAL'],
  },
  {
    name: 'file then symlink of the same name (last wins: nothing written)',
    build: write(soundTar([file('model.onnx', 'x'), [header({ name: 'model.onnx', typeflag: '2', linkname: '/etc/shadow' })]])),
    inspect: 'ok',
    index: 'ok',
    extract: ['MEMBER_LINK'],
  },
  {
    name: 'a file, then a member beneath it',
    build: write(soundTar([file('blocker', 'x'), file('blocker/inner', 'y')])),
    inspect: 'ok',
    index: 'ok',
    extract: ['PATH_CONFLICT'],
  },
  // --- links already in the target
  {
    name: 'target already holds a symlink to outside where a directory goes',
    build: write(soundTar([file('ops_artifacts/main/model.onnx', 'pwned')])),
    plant: (target, outside) => symlinkSync(outside, join(target, 'ops_artifacts')),
    inspect: 'ok',
    index: 'ok',
    extract: ['LINK_IN_TARGET'],
  },
  {
    name: 'target already holds a symlink where a file goes',
    build: write(soundTar()),
    plant: (target, outside) => symlinkSync(join(outside, 'victim'), join(target, 'manifest.json')),
    inspect: 'ok',
    index: 'ok',
    extract: ['LINK_IN_TARGET'],
  },
  {
    name: 'target already holds a hard link to an outside file where a file goes',
    build: write(soundTar()),
    plant: (target, outside) => linkSync(join(outside, 'victim'), join(target, 'meta.json')),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
  },
  // --- sizes and counts
  {
    name: '200 MiB manifest (sparse file)',
    build: (p) => {
      const head = header({ name: 'manifest.json', size: 200 * MiB });
      const rest = concat(soundRoot().slice(1).flat());
      writeSparse(p, head, BLOCK + 200 * MiB + rest.length + END.length, concat([rest, END]));
    },
    inspect: 'LIMIT_EXCEEDED',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: 'JSON nested 100,000 deep',
    build: write(tar(soundRoot({ 'ops.json': '['.repeat(100_000) + ']'.repeat(100_000) }))),
    inspect: 'LIMIT_EXCEEDED',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: '8 MiB of [{},{},...] in ops.json (over maxJsonValues)',
    build: write(tar(soundRoot({ 'ops.json': '[' + '{},'.repeat((8 * MiB) / 3) + '{}]' }))),
    inspect: 'LIMIT_EXCEEDED',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: '1.5 MB sidecar of 499,000 empty entries (inside every per-member limit)',
    build: write(withSidecars([emptyObjects(499_000)])),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: '9 MB sidecar of 3,000,000 empty entries (over maxJsonValues)',
    build: write(withSidecars([emptyObjects(3_000_000)])),
    inspect: 'LIMIT_EXCEEDED',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: 'three sidecars of 400,000 empty entries (over maxJsonValuesTotal together)',
    build: write(withSidecars([emptyObjects(400_000), emptyObjects(400_000), emptyObjects(400_000)])),
    inspect: 'LIMIT_EXCEEDED',
    index: 'ok',
    extract: 'ok',
  },
  {
    name: '200,000 members (over the default maxMembers)',
    build: build200k,
    inspect: 'LIMIT_EXCEEDED',
    index: 'LIMIT_EXCEEDED',
    extract: 'LIMIT_EXCEEDED',
  },
  {
    name: '200,000 members with maxMembers raised to 300,000',
    build: build200k,
    inspect: 'ok',
    index: 'ok',
    extract: 'LIMIT_EXCEEDED',
    args: ['--limit', 'maxMembers=300000'],
  },
  {
    name: '200,000 members with maxMembers lowered to 1000',
    build: build200k,
    inspect: 'LIMIT_EXCEEDED',
    index: 'LIMIT_EXCEEDED',
    extract: 'LIMIT_EXCEEDED',
    args: ['--limit', 'maxMembers=1000'],
  },
  {
    name: 'target already holds a FIFO where a file goes (must not block)',
    build: write(soundTar()),
    plant: (target) => execFileSync('mkfifo', [join(target, 'ops.json')]),
    inspect: 'ok',
    index: 'ok',
    extract: ['PATH_CONFLICT'],
  },
  // --- model cards: tar-level commands never inflate them; `card show` inflates within limits
  {
    name: 'model card whose zip directory points into the next member',
    build: async (p) => writeFileSync(p, await cardPointingOutside()),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
    card: 'BAD_ZIP',
  },
  {
    name: 'a sound model card',
    build: async (p) => writeFileSync(p, await cardArtifact(await cardZip())),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
    card: 'ok',
  },
  ...ZIP_CASES.map((z): HostileCase => ({
    name: `model card: ${z.name}`,
    build: async (p) => writeFileSync(p, await cardArtifact(await z.zip())),
    inspect: 'ok',
    index: 'ok',
    extract: 'ok',
    card: z.code,
  })),
];

export { paxRecord };

/** A file outside every target that planted links point at; it must never change. */
export function makeOutside(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'victim'), 'original');
  return dir;
}
