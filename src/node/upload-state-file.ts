import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { isFnnxError } from '../errors.js';
import type { UploadState } from '../upload/upload-state.js';
import { ioError } from './io-error.js';
import { readStateFile } from './state-file.js';

/**
 * The resume state beside the artifact, `<file>.upload.json`. Read without following a link or
 * blocking (a FIFO there is refused, not waited on: state-file.ts), and replaced atomically (a
 * temporary file renamed over it), so a crash mid-write leaves the previous state whole.
 */
export function statePathOf(file: string): string {
  return `${file}.upload.json`;
}

/** About 100 bytes a part: 10,000 S3 parts or 50,000 Azure blocks stay well under this. */
const MAX_STATE_BYTES = 16 << 20;

/**
 * The state as JSON, for upload.ts to check (it trusts no field of it), or undefined when there
 * is none, it is a link, or it is not JSON (then every part is sent). Not a regular file: NOT_A_FILE.
 */
export async function readUploadState(path: string): Promise<UploadState | undefined> {
  // A link planted there is not read through; the first write renames a file over it.
  const read = await readStateFile(path, MAX_STATE_BYTES).catch((e: unknown) => {
    if (isFnnxError(e, 'LINK_REFUSED')) return 'absent' as const;
    throw e;
  });
  if (typeof read === 'string') return undefined;
  try {
    const doc = JSON.parse(read.text) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as UploadState) : undefined;
  } catch {
    return undefined;
  }
}

export async function writeUploadState(path: string, state: UploadState): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw ioError(e, path);
  }
}

export async function removeUploadState(path: string): Promise<void> {
  await rm(path, { force: true });
}
