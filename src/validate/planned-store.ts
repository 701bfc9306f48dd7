/**
 * The artifact as it would be after a write: the members already there (if any) with the planned
 * members over them, last wins as in a tar. The validator runs on this view before anything is
 * written, so writers apply the validator's own rules, not a copy of them. Browser-safe.
 */
import type { MemberInfo, MemberStore } from '../artifact/member-store.js';
import { TarStore } from '../artifact/tar-store.js';
import { bodySize, type MemberBody, type MemberInput } from '../artifact/member-input.js';
import { UsageError } from '../errors.js';
import { MemorySource } from '../source/memory-source.js';
import type { FileIndex } from '../tar/entry.js';
import type { MemberRange } from './context.js';

/** Where the bytes of a member of the base store are, for stores that are not tars. */
export type BaseRange = (name: string) => Promise<MemberRange | undefined>;

/** A store's own way to hand out a member by range, when it has one (DirStore does). */
export function ownRanges(store: MemberStore | undefined): BaseRange | undefined {
  const own = (store as { memberRange?: unknown } | undefined)?.memberRange;
  return typeof own === 'function' ? (own as BaseRange) : undefined;
}

export class PlannedStore implements MemberStore {
  private readonly planned = new Map<string, MemberBody>();

  constructor(
    private readonly base: MemberStore | undefined,
    planned: readonly MemberInput[],
    readonly label: string,
    private readonly baseRange: BaseRange | undefined = ownRanges(base),
  ) {
    for (const m of planned) this.planned.set(m.name, m.body);
  }

  /** Planned members are read as copies, so reads are handed over when the base's are. */
  get handsOverReads(): boolean {
    return this.base === undefined || this.base.handsOverReads === true;
  }

  async members(signal?: AbortSignal): Promise<MemberInfo[]> {
    const out: MemberInfo[] = [];
    for (const m of this.base ? await this.base.members(signal) : []) if (!this.planned.has(m.name)) out.push(m);
    for (const [name, body] of this.planned) out.push({ name, size: bodySize(body), kind: 'file' });
    return out;
  }

  /** Base offsets are kept; a planned member's offset is not known before writing (0). */
  async fileIndex(signal?: AbortSignal): Promise<FileIndex> {
    const index: FileIndex = Object.create(null) as FileIndex;
    if (this.base) for (const [name, range] of Object.entries(await this.base.fileIndex(signal))) index[name] = range;
    for (const [name, body] of this.planned) index[name] = [0, bodySize(body)];
    return index;
  }

  async sizeOf(name: string, signal?: AbortSignal): Promise<number | undefined> {
    const body = this.planned.get(name);
    if (body !== undefined) return bodySize(body);
    return this.base?.sizeOf(name, signal);
  }

  async read(name: string, signal?: AbortSignal): Promise<Uint8Array> {
    const body = this.planned.get(name);
    if (body === undefined) return this.baseStore(name).read(name, signal);
    // A copy: the body is the writer's, and a reader may free what this store hands over.
    if (body instanceof Uint8Array) return body.slice();
    // Callers bound the size first (readJsonMember); chunks may be recycled buffers: copy them.
    const out = new Uint8Array(body.size);
    let at = 0;
    for await (const chunk of body.open()) {
      out.set(chunk.subarray(0, out.length - at), at);
      at += chunk.length;
    }
    return out;
  }

  async *stream(name: string, options: { signal?: AbortSignal; chunkSize?: number } = {}): AsyncIterable<Uint8Array> {
    const body = this.planned.get(name);
    if (body === undefined) yield* this.baseStore(name).stream(name, options);
    else if (body instanceof Uint8Array) yield body;
    else yield* body.open();
  }

  /** For the validator's ONNX reader: a planned member by its own range source, a base member where it lies. */
  readonly memberRange = async (name: string): Promise<MemberRange | undefined> => {
    const body = this.planned.get(name);
    if (body instanceof Uint8Array) return { source: new MemorySource(body, name), offset: 0, size: body.length };
    if (body !== undefined) {
      if (!body.openRange) return undefined;
      const source = await body.openRange();
      return { source, offset: 0, size: source.byteLength, close: () => source.close?.() ?? Promise.resolve() };
    }
    if (this.base instanceof TarStore) {
      const range = (await this.base.fileIndex())[name];
      return range && { source: this.base.source, offset: range[0], size: range[1] };
    }
    return this.baseRange?.(name);
  };

  /** The base store's handles belong to whoever opened it. */
  async close(): Promise<void> {}

  private baseStore(name: string): MemberStore {
    if (!this.base) throw new UsageError('NO_SUCH_MEMBER', `no regular file named "${name}" in ${this.label}`, { member: name });
    return this.base;
  }
}
