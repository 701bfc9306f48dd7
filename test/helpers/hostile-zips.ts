/**
 * Zips written byte by byte, so a test can make every lie a hostile zip can tell (yazl and
 * Python refuse to write most of them): names that escape, local headers that disagree with the
 * directory, entries that overlap, wrong CRCs, bombs, zip64 records. Each case says what the one
 * zip reader must answer, on every platform: `show` is what reading the card page gives
 * (readNewestCard, `card show`), `validate` the codes validate reports for the card member.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { file, pax, tar } from './hostile-tar.js';
import { soundRoot } from './hostile-corpus.js';

export interface RawEntry {
  name: string;
  /** The entry's bytes, uncompressed. */
  data: Uint8Array | string;
  /** 8 deflate (default) or 0 stored; anything else is written as given. */
  method?: number;
  /** The name its local header carries (default: `name`). */
  localName?: string;
  /** The CRC-32 the directory records (default: the data's). */
  crc?: number;
  /** The CRC-32 the local header records (default: the directory's). */
  localCrc?: number;
  /** The uncompressed size both headers declare (default: the data's). */
  declaredSize?: number;
  /** The data as stored (default: the data deflated, or as it is when stored). */
  stored?: Uint8Array;
  /** General purpose flags besides UTF-8 (0x800, always set). */
  flags?: number;
  /** The directory points this entry at the local header of entry `i`, plus `plus` bytes. */
  pointAt?: { entry: number; plus: number };
}

export interface ZipOptions {
  /** zip64 end records and zip64 extra fields in every header. */
  zip64?: boolean;
}

const enc = new TextEncoder();
const bytesOf = (d: Uint8Array | string) => (typeof d === 'string' ? enc.encode(d) : d);

export function rawZip(entries: readonly RawEntry[], options: ZipOptions = {}): Uint8Array {
  const z64 = options.zip64 === true;
  const body: Uint8Array[] = [];
  const directory: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const placed = entries.map((e) => {
    const data = bytesOf(e.data);
    const method = e.method ?? 8;
    const stored = e.stored ?? (method === 8 ? new Uint8Array(deflateRawSync(data)) : data);
    return { e, data, method, stored, crc: e.crc ?? crc32(data), size: e.declaredSize ?? data.length, name: enc.encode(e.name) };
  });
  for (const p of placed) {
    offsets.push(at);
    const localName = enc.encode(p.e.localName ?? p.e.name);
    const extra = z64 ? zip64Extra([p.size, p.stored.length]) : new Uint8Array(0);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, z64 ? 45 : 20, true);
    h.setUint16(6, 0x800 | (p.e.flags ?? 0), true);
    h.setUint16(8, p.method, true);
    h.setUint32(14, p.e.localCrc ?? p.crc, true);
    h.setUint32(18, z64 ? 0xffffffff : p.stored.length, true);
    h.setUint32(22, z64 ? 0xffffffff : p.size, true);
    h.setUint16(26, localName.length, true);
    h.setUint16(28, extra.length, true);
    for (const part of [new Uint8Array(h.buffer), localName, extra, p.stored]) {
      body.push(part);
      at += part.length;
    }
  }
  placed.forEach((p, i) => {
    const offset = p.e.pointAt ? offsets[p.e.pointAt.entry]! + p.e.pointAt.plus : offsets[i]!;
    const extra = z64 ? zip64Extra([p.size, p.stored.length, offset]) : new Uint8Array(0);
    const h = new DataView(new ArrayBuffer(46));
    h.setUint32(0, 0x02014b50, true);
    h.setUint16(4, z64 ? 45 : 20, true);
    h.setUint16(6, z64 ? 45 : 20, true);
    h.setUint16(8, 0x800 | (p.e.flags ?? 0), true);
    h.setUint16(10, p.method, true);
    h.setUint32(16, p.crc, true);
    h.setUint32(20, z64 ? 0xffffffff : p.stored.length, true);
    h.setUint32(24, z64 ? 0xffffffff : p.size, true);
    h.setUint16(28, p.name.length, true);
    h.setUint16(30, extra.length, true);
    h.setUint32(42, z64 ? 0xffffffff : offset, true);
    directory.push(new Uint8Array(h.buffer), p.name, extra);
  });
  const directorySize = directory.reduce((n, d) => n + d.length, 0);
  const tail: Uint8Array[] = [];
  if (z64) {
    const record = new DataView(new ArrayBuffer(56));
    record.setUint32(0, 0x06064b50, true);
    record.setBigUint64(4, 44n, true);
    record.setUint16(12, 45, true);
    record.setUint16(14, 45, true);
    record.setBigUint64(24, BigInt(entries.length), true);
    record.setBigUint64(32, BigInt(entries.length), true);
    record.setBigUint64(40, BigInt(directorySize), true);
    record.setBigUint64(48, BigInt(at), true);
    const locator = new DataView(new ArrayBuffer(20));
    locator.setUint32(0, 0x07064b50, true);
    locator.setBigUint64(8, BigInt(at + directorySize), true);
    locator.setUint32(16, 1, true);
    tail.push(new Uint8Array(record.buffer), new Uint8Array(locator.buffer));
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, z64 ? 0xffff : entries.length, true);
  end.setUint16(10, z64 ? 0xffff : entries.length, true);
  end.setUint32(12, z64 ? 0xffffffff : directorySize, true);
  end.setUint32(16, z64 ? 0xffffffff : at, true);
  tail.push(new Uint8Array(end.buffer));
  return Buffer.concat([...body, ...directory, ...tail]);
}

function zip64Extra(values: number[]): Uint8Array {
  const v = new DataView(new ArrayBuffer(4 + 8 * values.length));
  v.setUint16(0, 0x0001, true);
  v.setUint16(2, 8 * values.length, true);
  values.forEach((x, i) => v.setBigUint64(4 + 8 * i, BigInt(x), true));
  return new Uint8Array(v.buffer);
}

export const CARD_ID = 'dataforce.studio~c~~c~model_card~c~v1~~et~~0123456789abcdef0123456789abcdef';
export const CARD_MEMBER = `meta_artifacts/${CARD_ID}/model_card.zip`;
export const PAGE = '<!doctype html><h1>card</h1>';

/** A sound artifact whose one model card is `zip` (with a conforming metadata entry owning its folder). */
export function artifactWithCard(zip: Uint8Array): Uint8Array {
  const entry = { id: CARD_ID, producer: 'tests', producer_version: '1', producer_tags: ['dataforce.studio::model_card:v1'], payload: {} };
  return tar([...soundRoot({ 'meta.json': JSON.stringify([entry]) }), pax({ path: CARD_MEMBER }), file('model_card.zip', zip)]);
}

/** What the one reader must answer, the same in Node and in a browser. */
export interface ZipCase {
  name: string;
  zip(): Uint8Array;
  /** Reading index.html: 'ok', or the code it fails with. */
  show: string;
  /** The codes validate reports for the card member, sorted ([] when sound). */
  validate: string[];
}

const page = (extra: Partial<RawEntry> = {}): RawEntry => ({ name: 'index.html', data: PAGE, ...extra });
const MiB = 1024 * 1024;
const zeros = (n: number) => new Uint8Array(n);

export const ZIP_CASES: ZipCase[] = [
  {
    name: 'a sound card: index.html and an asset',
    zip: () => rawZip([page(), { name: 'logo.svg', data: '<svg/>' }]),
    show: 'ok',
    validate: [],
  },
  { name: 'a stored (uncompressed) card', zip: () => rawZip([page({ method: 0 })]), show: 'ok', validate: [] },
  { name: 'a zip64 card', zip: () => rawZip([page(), { name: 'a/b.txt', data: 'b' }], { zip64: true }), show: 'ok', validate: [] },
  {
    name: 'an entry named ../evil.txt',
    zip: () => rawZip([page(), { name: '../evil.txt', data: 'x' }]),
    show: 'PATH_TRAVERSAL',
    validate: ['PATH_TRAVERSAL'],
  },
  {
    name: 'an entry named /etc/evil',
    zip: () => rawZip([page(), { name: '/etc/evil', data: 'x' }]),
    show: 'ABSOLUTE_PATH',
    validate: ['ABSOLUTE_PATH'],
  },
  {
    name: 'an entry named ..\\evil.txt',
    zip: () => rawZip([page(), { name: '..\\evil.txt', data: 'x' }]),
    show: 'PATH_TRAVERSAL',
    validate: ['PATH_TRAVERSAL'],
  },
  {
    name: 'an entry named C:evil',
    zip: () => rawZip([page(), { name: 'C:evil', data: 'x' }]),
    show: 'ABSOLUTE_PATH',
    validate: ['ABSOLUTE_PATH'],
  },
  {
    name: 'a deflate bomb: 8 MiB of zeros declared as 1000 bytes',
    zip: () => rawZip([page({ data: zeros(8 * MiB), declaredSize: 1000 })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'entries declaring 4 GiB',
    zip: () => rawZip([page(), { name: 'big.bin', data: 'x', declaredSize: 0xfffffff0 }]),
    show: 'LIMIT_EXCEEDED',
    validate: ['LIMIT_EXCEEDED'],
  },
  {
    name: 'an entry that inflates short of its declared size',
    zip: () => rawZip([page({ declaredSize: PAGE.length + 10 })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'overlapping entries (the directory points an asset into the page)',
    zip: () => rawZip([page({ data: 'x'.repeat(5000) }), { name: 'asset.bin', data: 'y', pointAt: { entry: 0, plus: 10 } }]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'two directory entries on one local header',
    zip: () => rawZip([page(), { name: 'copy.html', data: PAGE, pointAt: { entry: 0, plus: 0 } }]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'a local header naming another file than the directory',
    zip: () => rawZip([page({ localName: 'other.htm' })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'a local header with another CRC-32 than the directory',
    zip: () => rawZip([page({ localCrc: 0x12345678 })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'a local header with another method than the directory',
    zip: () => {
      const z = rawZip([page({ method: 0 })]);
      new DataView(z.buffer, z.byteOffset).setUint16(8, 8, true);
      return z;
    },
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: '10,001 entries',
    zip: () => rawZip([page(), ...Array.from({ length: 10_000 }, (_, i) => ({ name: `e/${i}`, data: '', method: 0 }))]),
    show: 'LIMIT_EXCEEDED',
    validate: ['LIMIT_EXCEEDED'],
  },
  {
    name: 'two entries named index.html',
    zip: () => rawZip([page(), page({ data: '<h1>the other</h1>' })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'index.html and ./index.html',
    zip: () => rawZip([page(), page({ name: './index.html' })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  { name: 'a wrong CRC-32 on the page', zip: () => rawZip([page({ crc: 0xdeadbeef })]), show: 'BAD_ZIP', validate: ['BAD_ZIP'] },
  {
    name: 'a wrong CRC-32 on an asset (the page itself is sound)',
    zip: () => rawZip([page(), { name: 'logo.svg', data: '<svg/>', crc: 1 }]),
    show: 'ok',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'bytes after the end of the deflate stream',
    zip: () => rawZip([page({ stored: new Uint8Array([...deflateRawSync(enc.encode(PAGE)), 1, 2, 3]) })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'corrupt deflate data',
    zip: () => rawZip([page({ stored: new Uint8Array([0xff, 0xff, 0xff, 0xff]) })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  { name: 'an encrypted entry', zip: () => rawZip([page({ flags: 0x1 })]), show: 'BAD_ZIP', validate: ['BAD_ZIP'] },
  {
    name: 'an entry compressed with bzip2 (method 12)',
    zip: () => rawZip([page({ method: 12, stored: enc.encode(PAGE) })]),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  {
    name: 'no index.html',
    zip: () => rawZip([{ name: 'page.html', data: PAGE }]),
    show: 'CARD_WITHOUT_INDEX',
    validate: ['CARD_WITHOUT_INDEX'],
  },
  { name: 'a zip with no entries', zip: () => rawZip([]), show: 'CARD_WITHOUT_INDEX', validate: ['CARD_WITHOUT_INDEX'] },
  {
    name: 'not a zip (text)',
    zip: () => enc.encode('this is a model card, honest\n'.repeat(50)),
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
  { name: 'an empty member (0 bytes)', zip: () => new Uint8Array(0), show: 'BAD_ZIP', validate: ['BAD_ZIP'] },
  {
    name: 'a directory that does not end where the end record starts',
    zip: () => {
      const z = rawZip([page()]);
      const v = new DataView(z.buffer, z.byteOffset);
      v.setUint32(z.length - 22 + 16, v.getUint32(z.length - 22 + 16, true) - 1, true);
      return z;
    },
    show: 'BAD_ZIP',
    validate: ['BAD_ZIP'],
  },
];
