import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { UploadState } from '../upload/upload-state.js';
import { ioError } from './file-source.js';

/**
 * The resume state beside the artifact, `<file>.upload.json`. Opened without following symlinks
 * (a link planted there cannot redirect the read or the write), and replaced atomically (a
 * temporary file renamed over it), so a crash mid-write leaves the previous state whole.
 */
export function statePathOf(file: string): string {
  return `${file}.upload.json`;
}

export async function readUploadState(path: string): Promise<UploadState | undefined> {
  let text: string;
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as unknown;
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
