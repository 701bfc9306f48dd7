import type { ByteSource } from '../source/byte-source.js';

/** What the writer takes for one member: bytes in hand, or a sized stream opened when its turn comes. */
export interface StreamBody {
  size: number;
  /** Opened once, when the member is written; must yield exactly `size` bytes. */
  open(): AsyncIterable<Uint8Array>;
  /**
   * The same bytes by position, for checks that read a few fields of a large member (the
   * validator reads an ONNX model's header by range) without streaming it whole.
   */
  openRange?(): Promise<ByteSource>;
}

export type MemberBody = Uint8Array | StreamBody;

export interface MemberInput {
  name: string;
  body: MemberBody;
}

export function bodySize(body: MemberBody): number {
  return body instanceof Uint8Array ? body.length : body.size;
}
