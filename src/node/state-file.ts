import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { SourceError } from '../errors.js';
import { ioError, linkRefused } from './io-error.js';
import { kindOf } from './output-file.js';

/**
 * The small records a command keeps beside its target (`<file>.upload.json`, `<file>.part.json`)
 * are input from the disk like any other. Opened before they are checked: without following a
 * link, and without blocking (O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
 * writer forever, holding the command and its lock), then refused unless a regular file. One
 * larger than such a record can be is not read (`oversized`): the caller treats it as garbage.
 */
export async function readStateFile(path: string, maxBytes: number): Promise<{ text: string; stat: Stats } | 'absent' | 'oversized'> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    throw code === 'ELOOP' ? linkRefused(path, 'is a symbolic link where the kit keeps its own record') : ioError(e, path);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new SourceError('NOT_A_FILE', `${path} is ${kindOf(st)}, not a record this kit wrote; it was not read`, {
        hint: 'remove it (or move it away) and run the command again',
      });
    }
    if (st.size > maxBytes) return 'oversized';
    return { text: await handle.readFile('utf8'), stat: st };
  } finally {
    await handle.close();
  }
}
