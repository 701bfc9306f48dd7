/**
 * Finding model cards by path, as the registry's page does. Kept apart from card.ts (which builds
 * cards and so pulls in the tar writer) so the browser bundle can use it too.
 */
import type { MemberInfo } from '../artifact/member-store.js';

export const MODEL_CARD_TAG = 'dataforce.studio::model_card:v1';
export const MODEL_CARD_FILE = 'model_card.zip';
const CARD_PATH = /^meta_artifacts\/[^/]+\/model_card\.zip$/;

/**
 * The newest card by path, as the registry's page finds it (whatever shape its entry has): the
 * last one in the archive, or for a directory the last in byte order (appended ids sort by time).
 */
export function newestCard(members: readonly MemberInfo[]): MemberInfo | undefined {
  const cards = members.filter((m) => m.kind === 'file' && CARD_PATH.test(m.name));
  const withOffsets = cards.every((m) => m.dataOffset !== undefined);
  const sorted = withOffsets
    ? [...cards].sort((a, b) => a.dataOffset! - b.dataOffset!)
    : [...cards].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.at(-1);
}
