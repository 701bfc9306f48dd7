/**
 * The browser's readNewestCard: the same action as the Node one (src/node/card-zip.ts), found by
 * the same rule (newestCard), read with the browser's zip reader (yauzl needs Node).
 */
import { newestCard } from '../append/card-find.js';
import type { TarStore } from '../artifact/tar-store.js';
import { ArtifactError } from '../errors.js';
import { ZipReader, type ZipLimits } from './zip-reader.js';

/**
 * The newest model card's index.html, read by ranges from inside the artifact: the zip's tail,
 * its central directory and the one entry; never the rest of the artifact.
 */
export async function readNewestCard(
  store: TarStore,
  limits: Partial<ZipLimits> = {},
  options: { signal?: AbortSignal } = {},
): Promise<{ member: string; html: Uint8Array }> {
  const card = newestCard(await store.members(options.signal));
  if (!card) throw new ArtifactError('NO_MODEL_CARD', `${store.label} has no model card (meta_artifacts/<id>/model_card.zip)`);
  // A TarStore's members always carry their data offset.
  const zip = await ZipReader.open(store.source, card.dataOffset!, card.size, card.name, { limits, signal: options.signal });
  const entry = zip.find('index.html');
  if (!entry) throw new ArtifactError('CARD_WITHOUT_INDEX', 'model card zip has no index.html', { member: card.name });
  return { member: card.name, html: await zip.read(entry, options.signal) };
}
