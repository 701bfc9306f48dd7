import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FileIndex } from '../tar/entry.js';
import { rangeIn } from '../tar/file-index.js';
import type { MemberInfo, MemberStore } from '../artifact/member-store.js';
import { UsageError } from '../errors.js';
import type { MemberRange } from '../validate/context.js';
import { FileSource, ioError } from './file-source.js';
import { lstatAsync, readdirAsync, readFileAsync } from './fs-async.js';

/**
 * The directory form of an artifact. Members are the regular files under the root, named by
 * their `/`-separated relative paths; symbolic links are listed but never followed.
 */
export class DirStore implements MemberStore {
  private listing?: Promise<MemberInfo[]>;
  private index?: Promise<FileIndex>;

  constructor(readonly root: string) {}

  get label(): string {
    return this.root;
  }

  members(): Promise<MemberInfo[]> {
    this.listing ??= listTree(this.root, '');
    return this.listing;
  }

  /** A directory has no tar offsets: the index gives each file's size with offset 0. */
  fileIndex(): Promise<FileIndex> {
    this.index ??= this.members().then((members) => {
      const index: FileIndex = Object.create(null) as FileIndex;
      for (const m of members) if (m.kind === 'file') index[m.name] = [0, m.size];
      return index;
    });
    return this.index;
  }

  /** By the index, not a scan of the listing: readers ask once per sidecar. */
  async sizeOf(name: string): Promise<number | undefined> {
    return rangeIn(await this.fileIndex(), name)?.[1];
  }

  async read(name: string): Promise<Uint8Array> {
    await this.require(name);
    try {
      return new Uint8Array(await readFileAsync(join(this.root, name)));
    } catch (e) {
      throw ioError(e, join(this.root, name));
    }
  }

  async *stream(name: string, options: { chunkSize?: number } = {}): AsyncIterable<Uint8Array> {
    await this.require(name);
    for await (const chunk of createReadStream(join(this.root, name), { highWaterMark: options.chunkSize ?? 1 << 20 })) {
      yield chunk as Uint8Array;
    }
  }

  /** A member by range from its own file (the directory form has no offsets): the ONNX reader's way in. */
  readonly memberRange = async (name: string): Promise<MemberRange | undefined> => {
    if ((await this.sizeOf(name)) === undefined) return undefined;
    const file = await FileSource.open(join(this.root, name));
    return { source: file, offset: 0, size: file.byteLength, close: () => file.close() };
  };

  async close(): Promise<void> {}

  private async require(name: string): Promise<void> {
    if ((await this.sizeOf(name)) === undefined) {
      throw new UsageError('NO_SUCH_MEMBER', `no regular file named "${name}" in ${this.root}`, { member: name });
    }
  }
}

async function listTree(root: string, prefix: string): Promise<MemberInfo[]> {
  const out: MemberInfo[] = [];
  const names = (await readdirAsync(join(root, prefix))).sort();
  for (const n of names) {
    const rel = prefix ? `${prefix}/${n}` : n;
    const st = await lstatAsync(join(root, rel));
    if (st.isDirectory()) {
      out.push({ name: rel, size: 0, kind: 'directory' });
      for (const m of await listTree(root, rel)) out.push(m); // no spread: a huge subtree would overflow the stack
    } else if (st.isFile()) out.push({ name: rel, size: st.size, kind: 'file' });
    else out.push({ name: rel, size: 0, kind: st.isSymbolicLink() ? 'symlink' : 'other' });
  }
  return out;
}
