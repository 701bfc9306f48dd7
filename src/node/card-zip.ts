/** Building and reading model_card.zip (yazl / yauzl are Node libraries, so this lives on the Node side). */
import { rangeIn } from '../tar/file-index.js';
import { join } from 'node:path';
import yazl from 'yazl';
import type { MemberStore } from '../artifact/member-store.js';
import { TarStore } from '../artifact/tar-store.js';
import { newestCard } from '../append/card-find.js';
import { FIXED_MTIME } from '../build/tar-header.js';
import { ArtifactError, LimitError, UsageError } from '../errors.js';
import type { ByteSource } from '../source/byte-source.js';
import { DirStore } from './dir-store.js';
import { FileSource } from './file-source.js';
import { DEFAULT_ZIP_LIMITS, openZipSafely, type ZipLimits } from './zip-limits.js';

export interface CardFile {
  /** Name inside the zip (index.html, or an asset's name). */
  name: string;
  bytes: Uint8Array;
}

/** A deflated zip, deterministic (fixed times and modes), bounded as card show will bound it. */
export async function buildCardZip(files: CardFile[], maxBytes = DEFAULT_ZIP_LIMITS.maxZipUncompressed): Promise<Uint8Array> {
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  if (total > maxBytes) throw new LimitError('maxZipUncompressed', `card files total ${total} bytes, over the limit of ${maxBytes}`);
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(Buffer.from(f.bytes), f.name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

/** Where a member's bytes are: its tar's source at the data offset, or its own file in a directory. */
async function memberRange(
  store: MemberStore,
  name: string,
): Promise<{ source: ByteSource; offset: number; length: number; owned: boolean }> {
  if (store instanceof TarStore) {
    const [offset, length] = rangeIn(await store.fileIndex(), name)!;
    return { source: store.source, offset, length, owned: false };
  }
  if (store instanceof DirStore) {
    const source = await FileSource.open(join(store.root, name));
    return { source, offset: 0, length: source.byteLength, owned: true };
  }
  throw new UsageError('UNSUPPORTED_STORE', `cannot read byte ranges from ${store.label}`);
}

/**
 * The newest model card's index.html as chunks, read through a random-access reader over the
 * zip's byte range only: the rest of the artifact (models…) is never read, locally or over HTTP,
 * and a 250 MiB page is never held whole. Inflating past the declared size is an error.
 */
export async function* streamNewestCard(store: MemberStore, limits: Partial<ZipLimits> = {}): AsyncGenerator<Uint8Array> {
  const card = newestCard(await store.members());
  if (!card) throw new ArtifactError('NO_MODEL_CARD', `${store.label} has no model card (meta_artifacts/<id>/model_card.zip)`);
  const range = await memberRange(store, card.name);
  try {
    const zip = await openZipSafely(range.source, { offset: range.offset, length: range.length, member: card.name, limits });
    try {
      if (!zip.entries.some((e) => e.name === 'index.html')) {
        throw new ArtifactError('CARD_WITHOUT_INDEX', 'model card zip has no index.html', { member: card.name });
      }
      yield* zip.stream('index.html');
    } finally {
      zip.close();
    }
  } finally {
    if (range.owned) await range.source.close?.();
  }
}

/** The newest model card's index.html whole (for callers that want it in memory; `card show` streams). */
export async function readNewestCard(store: MemberStore, limits: Partial<ZipLimits> = {}): Promise<{ member: string; html: Uint8Array }> {
  const card = newestCard(await store.members());
  const parts: Uint8Array[] = [];
  for await (const chunk of streamNewestCard(store, limits)) parts.push(chunk);
  return { member: card!.name, html: Buffer.concat(parts) };
}
