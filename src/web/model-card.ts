import type { MemberInfo } from '../artifact/member-store.js';
import type { ByteSource } from '../source/byte-source.js';
import { ArtifactError, UsageError } from '../errors.js';
import { ZipReader, type ZipLimits } from './zip-reader.js';

const CARD_PATH = /^meta_artifacts\/[^/]+\/model_card\.zip$/;

/**
 * The card the registry's page shows: found by path (legacy entries lack the fields to find it
 * by entry), the newest (furthest into the tar) when several were appended. Same rule as
 * src/append/card.ts newestCard, which cannot be used here: its module pulls in the tar writer
 * (tar-stream), which does not load in a browser.
 */
export function findCard(members: readonly MemberInfo[]): MemberInfo | undefined {
  let best: MemberInfo | undefined;
  for (const m of members) {
    if (m.kind !== 'file' || !CARD_PATH.test(m.name) || m.dataOffset === undefined) continue;
    if (!best || m.dataOffset > best.dataOffset!) best = m;
  }
  return best;
}

/**
 * `index.html` of a card zip (find it with findCard), read by ranges from inside the artifact:
 * the zip's tail, its central directory and the one entry; never the rest of the artifact.
 */
export async function readCardHtml(
  source: ByteSource,
  card: MemberInfo,
  options: { limits?: Partial<ZipLimits>; signal?: AbortSignal } = {},
): Promise<string> {
  if (card.dataOffset === undefined) {
    throw new UsageError('NO_OFFSET', 'the card must be a member of a tar with a known data offset', { member: card.name });
  }
  const zip = await ZipReader.open(source, card.dataOffset, card.size, card.name, options);
  const entry = zip.find('index.html');
  if (!entry) throw new ArtifactError('CARD_WITHOUT_INDEX', 'the card zip holds no index.html', { member: card.name });
  return new TextDecoder('utf-8').decode(await zip.read(entry, options.signal));
}
