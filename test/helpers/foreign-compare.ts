/**
 * How the matrix compares our walk with Python's reading of the same archive, member by member.
 */
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource, walkTar, type TarEntry, type WalkResult } from '../../src/index.js';
import { fileIndexOf } from '../../src/tar/file-index.js';
import { pythonRead, type PyMember } from './foreign-tar.js';

export async function walkFile(path: string): Promise<WalkResult> {
  const source = await FileSource.open(path);
  try {
    return await walkTar(source);
  } finally {
    await source.close();
  }
}

/** What both readers must agree on; sizes only for files (others' size fields mean nothing). */
function ours(e: TarEntry) {
  return {
    name: e.name,
    kind: e.kind,
    offset: e.headerOffset,
    dataOffset: e.dataOffset,
    size: e.kind === 'file' ? e.size : null,
    linkname: e.linkname,
  };
}

/**
 * Python's view, with one deliberate difference: a GNU sparse member's data is a packed map of
 * its non-hole runs, not the file's bytes, so no [offset, size] range can serve it. Python lists
 * it as a regular file anyway; we note it as `other` and leave it out of the file_index.
 */
function theirs(m: PyMember) {
  const kind = m.sparse ? 'other' : m.kind;
  return {
    name: m.name,
    kind,
    offset: m.offset,
    dataOffset: m.sparse ? null : m.offsetData,
    size: kind === 'file' ? m.size : null,
    linkname: m.linkname,
  };
}

export async function expectSameAsPython(archive: string): Promise<WalkResult> {
  const walked = await walkFile(archive);
  const { members: py, index: pyIndex } = pythonRead(archive);
  const sparse = new Set(py.filter((m) => m.sparse).map((m) => m.name));
  expect(walked.entries.map((e) => ({ ...ours(e), dataOffset: sparse.has(e.name) ? null : e.dataOffset }))).toEqual(py.map(theirs));
  for (const name of sparse) delete pyIndex[name];
  expect(fileIndexOf(walked.entries)).toEqual(pyIndex);
  return walked;
}

/** Appends a second, different manifest.json: the archive then names it twice and the last wins. */
export function rewriteManifest(root: string): void {
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ variant: 'pipeline', name: 'appended', pad: 'x'.repeat(600) }));
}

export function expectLastManifestWins(walked: WalkResult): void {
  const manifests = walked.entries.filter((e) => e.name === 'manifest.json');
  expect(manifests).toHaveLength(2);
  expect(fileIndexOf(walked.entries)['manifest.json']).toEqual([manifests[1]!.dataOffset, manifests[1]!.size]);
}

export const linkKinds = (walked: WalkResult) =>
  Object.fromEntries(
    walked.entries.filter((e) => e.kind === 'symlink' || e.kind === 'hardlink').map((e) => [e.name, [e.kind, e.linkname]]),
  );
