/**
 * The Node side of `new`: ONNX model files opened as byte sources (their external data looked up
 * beside them), and an artifact written out in directory form. The directory is assembled in a
 * staging folder next to it and moved in at the end, so a refused or failed `new` leaves nothing
 * half-written, and `--force` can replace a previous result even when the models come from it.
 */
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { orderedMembers, type ArtifactInput } from '../build/builder.js';
import type { OnnxModelFile } from '../build/new-onnx.js';
import { SourceError, UsageError } from '../errors.js';
import { FileSource, ioError } from './file-source.js';

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
      const externalData = async (location: string) => {
        const file = join(dirname(path), location);
        try {
          const s = await FileSource.open(file);
          opened.push(s);
          return s;
        } catch (e) {
          if (e instanceof SourceError && e.code === 'IO_ERROR' && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
            return undefined;
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
}

export interface WrittenFile {
  path: string;
  size: number;
}

/** Writes the artifact's members under `dir` (created if need be) and returns them in order. */
export async function writeArtifactDir(dir: string, input: ArtifactInput, options: WriteDirOptions = {}): Promise<WrittenFile[]> {
  const target = resolve(dir);
  const exists = await checkTarget(target, dir, options.force === true);
  await mkdir(dirname(target), { recursive: true }).catch((e: unknown) => {
    throw ioError(e, dirname(dir));
  });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.new-`)).catch((e: unknown) => {
    throw ioError(e, dirname(dir));
  });
  try {
    const written: WrittenFile[] = [];
    for (const m of orderedMembers(input)) {
      const path = join(staging, ...m.name.split('/'));
      await mkdir(dirname(path), { recursive: true });
      if (m.body instanceof Uint8Array) await writeFile(path, m.body);
      else await writeStream(path, m.body.open(), m.body.size, m.name);
      written.push({ path: m.name, size: m.body instanceof Uint8Array ? m.body.length : m.body.size });
    }
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

async function writeStream(path: string, chunks: AsyncIterable<Uint8Array>, size: number, member: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    let at = 0;
    for await (const chunk of chunks) {
      for (let done = 0; done < chunk.length;) done += (await handle.write(chunk, done, chunk.length - done, at + done)).bytesWritten;
      at += chunk.length;
    }
    if (at !== size)
      throw new SourceError('SHORT_READ', `${member}: expected ${size} bytes, got ${at}; the file changed while being copied`);
  } finally {
    await handle.close();
  }
}
