import { lstat, open, readdir, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';
import type { ObjectIdentity } from '../source/http-identity.js';
import { ioError, linkRefused } from './io-error.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';
import { readStateFile } from './state-file.js';
import { OWN_FILE_FLAGS, foreignState, notOurs, placeOutput, refuseSpecialOutput } from './output-file.js';

/**
 * The `<file>.part` a download writes into, and its sidecar `<file>.part.json` recording which
 * object the bytes belong to (URL without its query, pinned identity). A part is only resumed
 * when the sidecar says it came from the same URL; a part without one is started over.
 */
export interface PartSidecar {
  url: string;
  identity: ObjectIdentity;
}

export class PartFile {
  readonly path: string;
  readonly sidecarPath: string;

  private constructor(
    readonly file: string,
    private handle: FileHandle,
  ) {
    this.path = `${file}.part`;
    this.sidecarPath = `${file}.part.json`;
  }

  /**
   * Opens the part for writing and says where to resume: its size when the sidecar matches
   * `url` and names the object it came from, else 0 (the part is emptied; `startOver` says why
   * when there was something to resume).
   */
  static async open(file: string, url: string): Promise<{ part: PartFile; sidecar?: PartSidecar; resumeFrom: number; startOver?: string }> {
    const partPath = `${file}.part`;
    await refuseSpecialOutput(file);
    await dropDeadSidecarTemps(file);
    await refuseLink(`${partPath}.json`);
    const read = await readSidecar(`${partPath}.json`);
    const found = await openExisting(partPath);
    const foreign = found && 'foreign' in found ? found.foreign : undefined;
    const mine = found && 'handle' in found ? found : undefined;
    const startOver = foreign ?? (mine && mine.size > 0 ? distrust(read, url, mine.size, partPath) : undefined);
    const sidecar = typeof read === 'string' ? undefined : read;
    if (mine && mine.size > 0 && startOver === undefined) return { part: new PartFile(file, mine.handle), sidecar, resumeFrom: mine.size };
    await mine?.handle.close();
    const part = new PartFile(file, await createPart(partPath, foreign));
    await part.forgetIdentity();
    return { part, resumeFrom: 0, startOver };
  }

  /** Feeds the part's first `length` bytes to `hash`: what a resume across runs costs locally. */
  async hashPrefix(hash: Hash, length: number, signal?: AbortSignal): Promise<void> {
    if (length === 0) return;
    for await (const chunk of createReadStream(this.path, { start: 0, end: length - 1, highWaterMark: 1 << 20, signal })) {
      hash.update(chunk as Buffer);
    }
  }

  /** Writes chunks at `position` in one call. */
  async write(chunks: Uint8Array[], position: number): Promise<void> {
    await this.handle.writev(chunks, position).catch((e: unknown) => {
      throw ioError(e, this.path);
    });
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
  }

  /** Written under a private name (`dropDeadSidecarTemps` knows it) and renamed into place: never through a planted link, never half-written. */
  async pin(sidecar: PartSidecar): Promise<void> {
    const temp = `${this.sidecarPath}.${process.pid}.tmp`;
    await rm(temp, { force: true });
    const handle = await openNoFollow(temp, NOFOLLOW.create, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(sidecar)}\n`);
    } finally {
      await handle.close();
    }
    await rename(temp, this.sidecarPath).catch((e: unknown) => {
      throw ioError(e, this.sidecarPath);
    });
  }

  async forgetIdentity(): Promise<void> {
    await unlink(this.sidecarPath).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw unremovable(e, this.sidecarPath);
    });
  }

  /** The verified part becomes the output: a file of this user's, with the mode a new file gets. */
  async finish(): Promise<void> {
    await placeOutput(this.handle, this.path, this.file);
    await this.close();
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /** After a failed verification: nothing of this object stays on disk. */
  async discard(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
    await this.forgetIdentity();
  }
}

/**
 * A run killed between writing its sidecar under `<file>.part.json.<pid>.tmp` and renaming it
 * leaves that file. Only the lock's holder writes one, and this run holds the lock: every such
 * file of this user's is a dead run's.
 */
async function dropDeadSidecarTemps(file: string): Promise<void> {
  const prefix = `${basename(file)}.part.json.`;
  const uid = process.getuid?.();
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+\.tmp$/.test(name.slice(prefix.length))) continue;
    const path = join(dirname(file), name);
    const st = await lstat(path).catch(() => undefined);
    if (st?.isFile() && (uid === undefined || st.uid === uid)) await unlink(path).catch(() => undefined);
  }
}

/**
 * The part an earlier run left, opened without following a link or blocking on a FIFO, or
 * undefined when there is none; `foreign` says why it cannot be this user's own (another user's,
 * not private, a second name, not a regular file): such a part is never resumed.
 */
async function openExisting(partPath: string): Promise<{ handle: FileHandle; size: number } | { foreign: string } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(partPath, OWN_FILE_FLAGS.update);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw linkRefused(partPath);
    // Not ours to open (another user's private file, a directory): never resumed.
    const st = await lstat(partPath).catch(() => undefined);
    if (st === undefined) throw ioError(e, partPath);
    return { foreign: `${partPath} ${notOurs(st) ?? 'cannot be opened'}` };
  }
  const st = await handle.stat();
  const why = notOurs(st);
  if (why === undefined) return { handle, size: st.size };
  await handle.close();
  return { foreign: `${partPath} ${why}` };
}

/**
 * A part started afresh is a new private file: the old name unlinked, then O_EXCL (a link planted
 * there is dropped, never written through). A foreign part that cannot be unlinked (another
 * user's, in a sticky folder) is refused: it is not ours to remove, and never ours to use.
 */
async function createPart(partPath: string, foreign: string | undefined): Promise<FileHandle> {
  // unlink, not rm: rm takes EPERM for a directory and reports ENOTDIR.
  await unlink(partPath).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw foreign === undefined ? ioError(e, partPath) : unremovable(e, partPath);
  });
  return openNoFollow(partPath, NOFOLLOW.create, 0o600);
}

function unremovable(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'EPERM' && code !== 'EACCES' && code !== 'EISDIR') return ioError(e, path);
  return foreignState(
    `${path} is not a file this user's earlier download made, and cannot be removed to start over; it was not used`,
    'its owner (or root) can remove it; or download to a folder of your own',
  );
}

/** The final name and the sidecar are replaced by rename, which would not write through a link; still, a link there was not made by us. */
async function refuseLink(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) throw linkRefused(path);
}

/** Why the bytes already in the part cannot be resumed, or undefined when they can. */
function distrust(read: PartSidecar | string | undefined, url: string, onDisk: number, partPath: string): string | undefined {
  if (typeof read === 'string') return read;
  if (read === undefined) return `${partPath} has no ${partPath}.json saying which object its bytes are of`;
  if (read.url !== url) return `${partPath} holds bytes of another URL (${read.url})`;
  // Size alone cannot tell two objects apart: resuming could stitch two objects together.
  if (!read.identity.etag && !read.identity.lastModified)
    return `${partPath}.json names no ETag or Last-Modified, so nothing proves the bytes in ${partPath} are of this object`;
  if (onDisk > read.identity.size) return `${partPath} is larger than the object its ${partPath}.json records`;
  return undefined;
}

/** A sidecar is a URL and an identity: a few hundred bytes. */
const MAX_SIDECAR_BYTES = 64 << 10;

/** Header-safe text: no CR, LF or other control characters (it is sent back as If-Match). */
const HEADER_SAFE = /^[\x20-\x7e\x80-\xff]*$/;

/**
 * The sidecar, or why it cannot be trusted (a string), or undefined when there is none. It is
 * input from the disk: garbage, a wrong shape, or a value that would forge a request header
 * means the part is started over, never that the download fails.
 */
async function readSidecar(path: string): Promise<PartSidecar | string | undefined> {
  // No-follow and no blocking read: a link is refused, a FIFO refused unopened for reading (state-file.ts).
  const read = await readStateFile(path, MAX_SIDECAR_BYTES);
  if (read === 'absent') return undefined;
  const why = read === 'oversized' ? undefined : notOurs(read.stat);
  if (why !== undefined) return `${path} ${why}`;
  const unusable = `${path} is not a record this kit wrote (garbage, or values that are not header-safe)`;
  if (read === 'oversized') return unusable;
  let doc: unknown;
  try {
    doc = JSON.parse(read.text);
  } catch {
    return unusable;
  }
  if (typeof doc !== 'object' || doc === null) return unusable;
  const { url, identity } = doc as { url?: unknown; identity?: Record<string, unknown> };
  if (typeof url !== 'string' || typeof identity !== 'object' || identity === null) return unusable;
  const { size, etag, lastModified } = identity;
  const headerText = (v: unknown) => v === undefined || (typeof v === 'string' && HEADER_SAFE.test(v));
  if (
    !(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) ||
    !headerText(etag) ||
    !headerText(lastModified) ||
    !HEADER_SAFE.test(url)
  )
    return unusable;
  const id: ObjectIdentity = { size };
  if (typeof etag === 'string') id.etag = etag;
  if (typeof lastModified === 'string') id.lastModified = lastModified;
  return { url, identity: id };
}
