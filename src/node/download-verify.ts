import { readFile } from 'node:fs/promises';
import { ArtifactError, UsageError } from '../errors.js';
import { expectedOf, type TransferDescriptor, type TransferExpected } from '../describe/expected.js';
import type { FileIndex } from '../tar/entry.js';
import { fileIndexOf, rangeIn } from '../tar/file-index.js';
import { walkTar } from '../tar/walk.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';

/** What a download can be checked against: the fields of the registry's upload descriptor it uses. */
export type DownloadDescriptor = TransferDescriptor;
export type Expected = TransferExpected;
export { expectedOf };

export type Check = 'size' | 'sha256' | 'file_index';

export async function loadDescriptor(path: string): Promise<DownloadDescriptor> {
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw ioError(e, path);
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError('BAD_DESCRIPTOR', `descriptor ${path} is not JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError('BAD_DESCRIPTOR', `${path} is not a JSON object`);
  const { file_hash, size, file_index } = doc as Record<string, unknown>;
  const bad = (what: string) => new UsageError('BAD_DESCRIPTOR', `${path}: ${what}`);
  if (file_hash !== undefined && typeof file_hash !== 'string') throw bad('file_hash must be a string');
  if (size !== undefined && typeof size !== 'number') throw bad('size must be a number');
  if (file_index !== undefined && (typeof file_index !== 'object' || file_index === null || Array.isArray(file_index))) {
    throw bad('file_index must be an object');
  }
  if (file_hash === undefined && size === undefined && file_index === undefined) throw bad('holds none of file_hash, size, file_index');
  return { file_hash, size, file_index: file_index as FileIndex | undefined };
}

/**
 * Checks a finished part before it may take the real name. Size and hash come from the download
 * itself (one pass); the file_index is checked by walking the part's tar headers, which reads
 * only headers, never member data.
 */
export async function verifyPart(path: string, got: { size: number; sha256: string }, want: Expected): Promise<Check[]> {
  const done: Check[] = [];
  if (want.size !== undefined) {
    if (got.size !== want.size) throw new ArtifactError('SIZE_MISMATCH', `downloaded ${got.size} bytes, expected ${want.size}`);
    done.push('size');
  }
  if (want.sha256 !== undefined) {
    if (got.sha256 !== want.sha256) throw new ArtifactError('HASH_MISMATCH', `SHA-256 is ${got.sha256}, expected ${want.sha256}`);
    done.push('sha256');
  }
  if (want.fileIndex !== undefined) {
    await checkFileIndex(path, want.fileIndex);
    done.push('file_index');
  }
  return done;
}

async function checkFileIndex(path: string, want: FileIndex): Promise<void> {
  const source = await FileSource.open(path);
  let actual: FileIndex;
  try {
    actual = fileIndexOf((await walkTar(source)).entries);
  } finally {
    await source.close();
  }
  for (const [name, range] of Object.entries(want)) {
    const have = rangeIn(actual, name);
    if (!have || have[0] !== range[0] || have[1] !== range[1]) {
      const found = have ? `[${have.join(', ')}]` : 'no such member';
      throw new ArtifactError('INDEX_MISMATCH', `descriptor says [${range.join(', ')}], the downloaded file has ${found}`, {
        member: name,
      });
    }
  }
  const extra = Object.keys(actual).find((name) => !Object.hasOwn(want, name));
  if (extra !== undefined)
    throw new ArtifactError('INDEX_MISMATCH', "member of the downloaded file is not in the descriptor's file_index", { member: extra });
}
