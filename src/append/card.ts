/** Model cards as the registry lays them out: meta_artifacts/<id>/model_card.zip plus a sidecar entry. */
import type { Json } from '../artifact/json-member.js';
import type { MemberInfo } from '../artifact/member-store.js';
import type { MemberInput } from '../build/member-input.js';
import { entryIdFor } from './ids.js';
import { metaAppendMembers } from './meta.js';

export const MODEL_CARD_TAG = 'dataforce.studio::model_card:v1';
export const MODEL_CARD_FILE = 'model_card.zip';
const CARD_PATH = /^meta_artifacts\/[^/]+\/model_card\.zip$/;

export interface Producer {
  name: string;
  version: string;
}

/** The sidecar entry (conforming shape) and the zip at the path the registry's pages open. */
export function cardAppendMembers(zip: Uint8Array, hex: string, producer: Producer): MemberInput[] {
  const entry: { [key: string]: Json } = {
    id: entryIdFor(MODEL_CARD_TAG, hex),
    producer: producer.name,
    producer_version: producer.version,
    producer_tags: [MODEL_CARD_TAG],
    payload: {},
  };
  return metaAppendMembers([entry], [{ name: MODEL_CARD_FILE, body: zip }], hex);
}

/**
 * The newest card by path, as the registry's page finds it (whatever shape its entry has): the
 * last one in the archive, or for a directory the last in byte order (appended ids sort by time).
 */
export function newestCard(members: readonly MemberInfo[]): MemberInfo | undefined {
  const cards = members.filter((m) => m.kind === 'file' && CARD_PATH.test(m.name));
  const withOffsets = cards.every((m) => m.dataOffset !== undefined);
  const sorted = withOffsets ? [...cards].sort((a, b) => a.dataOffset! - b.dataOffset!) : [...cards].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted.at(-1);
}
