/**
 * Creating a folder and its missing parents one component at a time, each tried once. Node's
 * `mkdir(path, { recursive: true })` retries a parent whenever the child's mkdir says ENOENT, and
 * procfs says ENOENT under folders that exist (`/proc/<pid>/x`): `extract -C /proc/xx` and
 * `new /proc/xx/y` spun at full CPU forever. Here the work is bounded by the path's length, and a
 * component that cannot be made is a typed error naming it.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SourceError, UsageError } from '../errors.js';
import { ioError } from './io-error.js';

/** Makes `path` a folder (with its missing parents); an existing folder is fine, anything else is refused. */
export async function makeDirs(path: string, mode = 0o777): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolve(path); ;) {
    const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw cannotCreate(e, dir);
    });
    if (st?.isDirectory()) break;
    if (st) throw new UsageError('NOT_A_DIRECTORY', `cannot create the folder ${path}: ${dir} exists and is not a folder`);
    missing.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir, { mode }).catch(async (e: NodeJS.ErrnoException) => {
      // Made meanwhile by another process: fine if it is a folder.
      if (e.code === 'EEXIST' && (await stat(dir).catch(() => undefined))?.isDirectory()) return;
      throw cannotCreate(e, dir);
    });
  }
}

function cannotCreate(e: unknown, dir: string): SourceError {
  const io = ioError(e, dir);
  return new SourceError(io.code, `cannot create the folder ${io.message}`, { cause: e, hint: io.hint });
}
