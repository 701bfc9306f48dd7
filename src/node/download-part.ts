import { lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Hash } from 'node:crypto';
import type { ObjectIdentity } from '../source/http-identity.js';
import { ioError, linkRefused } from './file-source.js';
import { NOFOLLOW, openNoFollow } from './no-follow.js';

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
    await refuseLink(file);
    await refuseLink(`${partPath}.json`);
    const read = await readSidecar(`${partPath}.json`);
    const onDisk = await lstat(partPath).then(
      (s) => (s.isFile() ? s.size : -1),
      () => -1,
    );
    const startOver = onDisk > 0 ? distrust(read, url, onDisk, partPath) : undefined;
    const sidecar = typeof read === 'string' ? undefined : read;
    const usable = onDisk > 0 && startOver === undefined;
    const handle = await openPart(partPath, usable);
    const part = new PartFile(file, handle);
    if (!usable) await part.forgetIdentity();
    return usable ? { part, sidecar, resumeFrom: onDisk } : { part, resumeFrom: 0, startOver };
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

  /** Written under a private name and renamed into place: never through a planted link, never half-written. */
  async pin(sidecar: PartSidecar): Promise<void> {
    const temp = `${this.sidecarPath}.${process.pid}.tmp`;
    const handle = await openNoFollow(temp, NOFOLLOW.replace);
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
    await rm(this.sidecarPath, { force: true });
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
 * No link is ever written through: a symbolic link at the part's name is refused (O_NOFOLLOW); a
 * part started afresh is a new file (the old name unlinked, then O_EXCL), so a hard link planted
 * there is dropped, not truncated; a part resumed must have no other name.
 */
async function openPart(partPath: string, resume: boolean): Promise<FileHandle> {
  await refuseLink(partPath);
  if (!resume) {
    await rm(partPath, { force: true });
    return openNoFollow(partPath, NOFOLLOW.create);
  }
  const handle = await openNoFollow(partPath, NOFOLLOW.resume);
  if ((await handle.stat()).nlink > 1) {
    await handle.close();
    throw linkRefused(partPath, 'has another name (a hard link)');
  }
  return handle;
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

/** Header-safe text: no CR, LF or other control characters (it is sent back as If-Match). */
const HEADER_SAFE = /^[\x20-\x7e\x80-\xff]*$/;

/**
 * The sidecar, or why it cannot be trusted (a string), or undefined when there is none. It is
 * input from the disk: garbage, a wrong shape, or a value that would forge a request header
 * means the part is started over, never that the download fails.
 */
async function readSidecar(path: string): Promise<PartSidecar | string | undefined> {
  let text: string;
  try {
    // No-follow: a link planted at the sidecar's name is refused, never read through.
    const handle = await open(path, NOFOLLOW.read);
    text = await handle.readFile('utf8').finally(() => handle.close());
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, path);
  }
  const unusable = `${path} is not a record this kit wrote (garbage, or values that are not header-safe)`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
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
