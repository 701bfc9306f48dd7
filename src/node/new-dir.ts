/**
 * The Node side of `new`: ONNX model files opened as byte sources (their external data looked up
 * beside them), and an artifact written out in directory form. The directory is assembled in a
 * staging folder next to it and moved in at the end, so a refused or failed `new` leaves nothing
 * half-written, and `--force` can replace a previous result even when the models come from it.
 */
import { lstat, mkdtemp, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { orderedMembers, type ArtifactInput } from '../build/builder.js';
import type { OnnxModelFile } from '../build/new-onnx.js';
import { SourceError, UsageError, isFnnxError, throwIfAborted } from '../errors.js';
import type { Diagnostic } from '../validate/diagnostics.js';
import { refuseInvalidResult } from '../validate/would-be.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';
import { makeDirs } from './make-dirs.js';
import { writeFully } from './file-sink.js';

export interface OpenedModels {
  models: OnnxModelFile[];
  /** Closes every file opened, the external data files included. */
  close(): Promise<void>;
}

/** Opens each path as a model; external data files are opened, relative to the model's folder, when asked for. */
export async function openOnnxFiles(paths: string[]): Promise<OpenedModels> {
  const opened: FileSource[] = [];
  const close = async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  };
  try {
    const models: OnnxModelFile[] = [];
    for (const path of paths) {
      const source = await FileSource.open(path);
      opened.push(source);
      // Resolved one segment at a time below the model's folder: never through a link (a file or
      // a folder on the way), never a FIFO or a device, which would hang or leak another file.
      const externalData = async (location: string) => {
        try {
          const s = await FileSource.openChecked(location, { under: dirname(path) });
          opened.push(s);
          return s;
        } catch (e) {
          if (isFnnxError(e, 'NOT_FOUND')) return undefined;
          throw e;
        }
      };
      models.push({ name: path, source, externalData });
    }
    return { models, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export interface WriteDirOptions {
  /** Write into a directory that is not empty: the root files and ops_artifacts/ are replaced, other files stay. */
  force?: boolean;
  /**
   * Refuse, before writing anything, what `pack` would refuse of the result (what `validate`
   * calls an error, e.g. a manifest over the JSON limits): default true.
   */
  check?: boolean;
  /** Checked between members and chunks, before the result moves in: an aborted write leaves nothing and throws ABORTED. */
  signal?: AbortSignal;
}

export interface WrittenFile {
  path: string;
  size: number;
}

/** Writes the artifact's members under `dir` (created if need be) and returns them in order. */
export async function writeArtifactDir(dir: string, input: ArtifactInput, options: WriteDirOptions = {}): Promise<WrittenFile[]> {
  throwIfAborted(options.signal);
  const target = resolve(dir);
  const exists = await checkTarget(target, dir, options.force === true);
  if (options.check !== false) await refuseWhatPackWould(input, dir);
  await makeDirs(dirname(target));
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.new-`)).catch((e: unknown) => {
    throw ioError(e, dirname(dir));
  });
  try {
    const written: WrittenFile[] = [];
    for (const m of orderedMembers(input)) {
      throwIfAborted(options.signal);
      const path = join(staging, ...m.name.split('/'));
      await makeDirs(dirname(path));
      if (m.body instanceof Uint8Array) await writeFile(path, m.body);
      else await writeStream(path, m.body.open(), m.body.size, m.name, options.signal);
      written.push({ path: m.name, size: m.body instanceof Uint8Array ? m.body.length : m.body.size });
    }
    throwIfAborted(options.signal);
    if (!exists) await rename(staging, target);
    else {
      for (const entry of await readdir(staging)) {
        await rm(join(target, entry), { recursive: true, force: true });
        await rename(join(staging, entry), join(target, entry));
      }
    }
    return written;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The check pack runs before writing (refuseInvalidPack's), on the folder `new` is about to write. */
async function refuseWhatPackWould(input: ArtifactInput, dir: string): Promise<void> {
  const blame = (d: Diagnostic) => ({
    place: d.member === null ? dir : join(dir, d.member),
    fix: `new would write a folder that pack refuses; change the models given to new (their names, inputs or outputs)`,
  });
  await refuseInvalidResult({ planned: orderedMembers(input), label: dir, refuse: 'error', blame });
}

/** Whether the target exists; refuses a file, and a non-empty directory unless forced. */
async function checkTarget(target: string, shown: string, force: boolean): Promise<boolean> {
  const st = await lstat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw ioError(e, shown);
  });
  if (!st) return false;
  if (!st.isDirectory()) throw new UsageError('NOT_A_DIRECTORY', `${shown} exists and is not a directory`);
  if (!force && (await readdir(target)).length > 0) {
    throw new UsageError('DIR_NOT_EMPTY', `${shown} is not empty; nothing was written`, {
      hint: 'choose a new directory, or add --force to replace its root files and ops_artifacts/',
    });
  }
  return true;
}

async function writeStream(
  path: string,
  chunks: AsyncIterable<Uint8Array>,
  size: number,
  member: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    let at = 0;
    for await (const chunk of chunks) {
      throwIfAborted(signal);
      await writeFully(handle, chunk, at);
      at += chunk.length;
    }
    if (at !== size)
      throw new SourceError('SHORT_READ', `${member}: expected ${size} bytes, got ${at}; the file changed while being copied`);
  } finally {
    await handle.close();
  }
}
