/** Model cards as the registry lays them out: meta_artifacts/<id>/model_card.zip plus a sidecar entry. */
import type { Json } from '../artifact/json-member.js';
import type { MemberBody, MemberInput } from '../artifact/member-input.js';
import { entryIdFor } from './ids.js';
import { metaAppendMembers } from './meta.js';
import { MODEL_CARD_FILE, MODEL_CARD_TAG } from '../artifact/model-card.js';

export interface Producer {
  name: string;
  version: string;
}

/** The sidecar entry (conforming shape) and the zip at the path the registry's pages open. */
export function cardAppendMembers(zip: MemberBody, hex: string, producer: Producer): MemberInput[] {
  const entry: { [key: string]: Json } = {
    id: entryIdFor(MODEL_CARD_TAG, hex),
    producer: producer.name,
    producer_version: producer.version,
    producer_tags: [MODEL_CARD_TAG],
    payload: {},
  };
  return metaAppendMembers([entry], [{ name: MODEL_CARD_FILE, body: zip }], hex);
}
