import type { ByteSource } from '../source/byte-source.js';
import type { FileIndex } from '../tar/entry.js';
import { ArtifactError } from '../errors.js';
import { ZipReader, type ZipLimits } from './zip-reader.js';

/** Where the registry lays out HTML cards: one zip per metadata entry folder. */
const CARD = /^meta_artifacts\/[^/]+\/(model|dataset)_card\.zip$/;

export interface CardLocation {
  member: string;
  offset: number;
  size: number;
}

/**
 * The card the registry's page would show: found by member path, not by metadata entry (legacy
 * entries lack the fields), and the newest one (furthest into the archive) when cards were
 * appended more than once.
 */
export function findCard(index: FileIndex): CardLocation | undefined {
  let best: CardLocation | undefined;
  for (const [member, [offset, size]] of Object.entries(index)) {
    if (CARD.test(member) && (!best || offset > best.offset)) best = { member, offset, size };
  }
  return best;
}

/** `index.html` of a card, read by ranges from the zip member inside the artifact. */
export async function readCardHtml(
  source: ByteSource,
  card: CardLocation,
  options: { limits?: Partial<ZipLimits>; signal?: AbortSignal } = {},
): Promise<string> {
  const zip = await ZipReader.open(source, card.offset, card.size, card.member, options);
  const entry = zip.find('index.html');
  if (!entry) throw new ArtifactError('CARD_WITHOUT_INDEX', 'the card zip holds no index.html', { member: card.member });
  return new TextDecoder('utf-8').decode(await zip.read(entry, options.signal));
}
