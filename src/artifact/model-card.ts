/**
 * Model cards as the registry lays them out and shows them: a zip at
 * `meta_artifacts/<id>/model_card.zip` whose `index.html` is the page, the newest card by place in
 * the archive. Read by range with the one zip reader, the same on both platforms: `card show`,
 * the browser page and `validate` open a card the same way, under the same limits.
 */
import type { ByteSource } from '../source/byte-source.js';
import { concatChunks } from '../source/chunks.js';
import { ArtifactError, UsageError } from '../errors.js';
import type { ZipLimits } from '../safety/zip-limits.js';
import { rangeIn } from '../tar/file-index.js';
import { ZipReader } from '../zip/reader.js';
import type { MemberInfo, MemberStore } from './member-store.js';
import { TarStore } from './tar-store.js';

export const MODEL_CARD_TAG = 'dataforce.studio::model_card:v1';
export const MODEL_CARD_FILE = 'model_card.zip';
export const CARD_PAGE = 'index.html';
const CARD_PATH = /^meta_artifacts\/[^/]+\/model_card\.zip$/;

/** Is this member a model card by its path (whatever shape its metadata entry has)? */
export function isModelCard(member: MemberInfo): boolean {
  return member.kind === 'file' && CARD_PATH.test(member.name);
}

/**
 * The newest card by path, as the registry's page finds it: the last one in the archive, or for
 * a directory the last in byte order (appended ids sort by time).
 */
export function newestCard(members: readonly MemberInfo[]): MemberInfo | undefined {
  const cards = members.filter(isModelCard);
  const withOffsets = cards.every((m) => m.dataOffset !== undefined);
  const sorted = withOffsets
    ? [...cards].sort((a, b) => a.dataOffset! - b.dataOffset!)
    : [...cards].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.at(-1);
}

export interface CardOptions {
  limits?: Partial<ZipLimits>;
  signal?: AbortSignal;
}

/** Where a member's bytes lie: in the tar's own source, or (directory form, planned writes) a source of its own. */
interface CardRange {
  source: ByteSource;
  offset: number;
  size: number;
  close?: () => Promise<void>;
}

/** A card zip opened by range; its directory is checked, nothing is inflated yet. */
export async function openCard(range: CardRange, member: string, options: CardOptions = {}): Promise<ZipReader> {
  return ZipReader.open(range.source, { offset: range.offset, length: range.size, member, limits: options.limits, signal: options.signal });
}

/**
 * The newest model card's index.html as chunks, read by range: the rest of the artifact (models…)
 * is never read, locally or over HTTP, and a 250 MiB page is never held whole. Refuses what the
 * zip reader refuses, and a card without index.html (CARD_WITHOUT_INDEX).
 */
export async function* streamNewestCard(store: MemberStore, options: CardOptions = {}): AsyncGenerator<Uint8Array> {
  const card = newestCard(await store.members(options.signal));
  if (!card) throw new ArtifactError('NO_MODEL_CARD', `${store.label} has no model card (meta_artifacts/<id>/model_card.zip)`);
  const range = await memberRange(store, card.name, options.signal);
  try {
    const zip = await openCard(range, card.name, options);
    if (!zip.find(CARD_PAGE)) throw new ArtifactError('CARD_WITHOUT_INDEX', 'model card zip has no index.html', { member: card.name });
    yield* zip.stream(CARD_PAGE, options);
  } finally {
    await range.close?.();
  }
}

/** The newest model card's index.html whole, and the member it came from (`card show` streams instead). */
export async function readNewestCard(store: MemberStore, options: CardOptions = {}): Promise<{ member: string; html: Uint8Array }> {
  const card = newestCard(await store.members(options.signal));
  const parts: Uint8Array[] = [];
  for await (const chunk of streamNewestCard(store, options)) parts.push(chunk);
  return { member: card!.name, html: concatChunks(parts) };
}

/** A tar member lies in the store's source; other stores hand out a member by range if they can (DirStore does). */
async function memberRange(store: MemberStore, name: string, signal?: AbortSignal): Promise<CardRange> {
  if (store instanceof TarStore) {
    const [offset, size] = rangeIn(await store.fileIndex(signal), name)!;
    return { source: store.source, offset, size };
  }
  const own = (store as { memberRange?: (name: string) => Promise<CardRange | undefined> }).memberRange;
  const range = typeof own === 'function' ? await own.call(store, name) : undefined;
  if (!range) throw new UsageError('UNSUPPORTED_STORE', `cannot read byte ranges from ${store.label}`);
  return range;
}
