/**
 * Appending members to an artifact on disk, as the format allows it: only at the end.
 *
 * A tar file: the new members go where the end-of-archive blocks start (walkTar's endOffset),
 * followed by a fresh end; no byte before that offset is touched. To survive an interruption,
 * the first 512 bytes are written last: until then the old first end block is still a zero
 * block at endOffset, so every reader still sees the original archive. A failed append puts the
 * zero tail back. A directory: the new files are created, never overwritten.
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readArtifact, type ArtifactContents } from '../artifact/reader.js';
import type { MemberStore } from '../artifact/member-store.js';
import { TarStore } from '../artifact/tar-store.js';
import type { MemberInput } from '../build/member-input.js';
import { checkWritableName, writeTar } from '../build/tar-writer.js';
import { ArtifactError, FnnxError, UsageError } from '../errors.js';
import { BLOCK } from '../tar/header.js';
import { fileIndexOf } from '../tar/file-index.js';
import { walkTar } from '../tar/walk.js';
import { DirStore } from './dir-store.js';
import { FileSource, ioError } from './file-source.js';
import { writeFully } from './file-sink.js';

export interface AppendResult {
  target: string;
  /** Names of the members appended, in order. */
  members: string[];
  /** Where the first new member starts (tar files only). */
  appendedAt?: number;
  /** The file's size afterwards (tar files only). */
  size?: number;
}

/** Decides what to append once the artifact has been read (and may refuse, before any write). */
export type AppendPlanner = (store: MemberStore, contents: ArtifactContents) => Promise<MemberInput[]>;

export async function appendToArtifact(target: string, plan: AppendPlanner): Promise<AppendResult> {
  const st = await stat(target).catch((e: unknown) => {
    throw ioError(e, target);
  });
  return st.isDirectory() ? appendToDirectory(target, plan) : appendToTar(target, plan);
}

async function appendToTar(path: string, plan: AppendPlanner): Promise<AppendResult> {
  const source = await FileSource.open(path);
  let members: MemberInput[];
  let endOffset: number;
  const originalSize = source.byteLength;
  try {
    const walk = await walkTar(source).catch(refuseCompressed(path));
    endOffset = walk.endOffset;
    const index = fileIndexOf(walk.entries);
    const store = new TarStore(source, { index });
    members = await plan(store, await readArtifact(store));
    refuseExisting(members, index);
  } finally {
    await source.close();
  }
  const handle = await open(path, 'r+').catch((e: unknown) => {
    throw ioError(e, path);
  });
  try {
    const end = await writeTail(handle, members, endOffset, originalSize);
    return { target: path, members: members.map((m) => m.name), appendedAt: endOffset, size: end };
  } finally {
    await handle.close();
  }
}

/** Writes members + end blocks at `at`, head block last; on failure restores the zero tail. */
async function writeTail(handle: FileHandle, members: MemberInput[], at: number, originalSize: number): Promise<number> {
  const head = new Uint8Array(BLOCK);
  let headFill = 0;
  let pos = at;
  try {
    await writeTar(members, async (chunk) => {
      if (headFill < BLOCK) {
        const take = Math.min(BLOCK - headFill, chunk.length);
        head.set(chunk.subarray(0, take), headFill);
        headFill += take;
        pos += take;
        chunk = chunk.subarray(take);
      }
      if (chunk.length === 0) return;
      await writeFully(handle, chunk, pos);
      pos += chunk.length;
    });
    await handle.sync();
    await writeFully(handle, head, at);
    await handle.sync();
    await handle.truncate(pos);
    await handle.sync();
    return pos;
  } catch (e) {
    // Everything from `at` on was end-of-archive zeros: put them back (the head block too, in
    // case the failure came after it was written).
    await writeFully(handle, new Uint8Array(BLOCK), at).catch(() => undefined);
    await handle.truncate(at + BLOCK).catch(() => undefined);
    await handle.truncate(originalSize).catch(() => undefined);
    await handle.sync().catch(() => undefined);
    throw e;
  }
}

function refuseCompressed(path: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof FnnxError && e.code === 'COMPRESSED') {
      throw new ArtifactError('COMPRESSED', `${path} is compressed: refusing to append (a compressed archive cannot be extended in place)`, {
        hint: `${e.hint ?? 'decompress it'}; then append to the plain tar and upload that`,
      });
    }
    throw e;
  };
}

/** A new member never replaces an old one by accident (ids and hex names are fresh; a clash is a mistake). */
function refuseExisting(members: MemberInput[], index: Record<string, unknown>): void {
  for (const m of members) {
    if (Object.hasOwn(index, m.name)) throw new UsageError('MEMBER_EXISTS', 'the artifact already has a member of this name', { member: m.name });
  }
}

async function appendToDirectory(root: string, plan: AppendPlanner): Promise<AppendResult> {
  const store = new DirStore(root);
  const members = await plan(store, await readArtifact(store));
  refuseExisting(members, await store.fileIndex());
  for (const m of members) {
    checkWritableName(m.name);
    const path = join(root, m.name);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'wx').catch((e: unknown) => {
      throw ioError(e, path);
    });
    try {
      let pos = 0;
      const chunks = m.body instanceof Uint8Array ? [m.body] : m.body.open();
      for await (const chunk of chunks) {
        await writeFully(handle, chunk, pos);
        pos += chunk.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { target: root, members: members.map((m) => m.name) };
}
