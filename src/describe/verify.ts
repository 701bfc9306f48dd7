/** verify: a fresh one-pass description compared with what a descriptor (or a checksum) claims. */
import type { FileIndex } from '../tar/entry.js';
import type { DescribeResult } from './descriptor.js';
import { rangeIn } from '../tar/file-index.js';
import { pushAll } from '../validate/diagnostics.js';

export interface Expected {
  file_hash?: string;
  size?: number;
  file_index?: FileIndex;
  md5?: string;
}

/** Every difference, one line each; empty when everything given matches. */
export function differences(expected: Expected, actual: DescribeResult): string[] {
  const out: string[] = [];
  const got = actual.descriptor;
  if (expected.file_hash !== undefined && expected.file_hash.toLowerCase() !== got.file_hash) {
    out.push(`file_hash: expected ${expected.file_hash.toLowerCase()}, got ${got.file_hash}`);
  }
  if (expected.size !== undefined && expected.size !== got.size) out.push(`size: expected ${expected.size}, got ${got.size}`);
  if (expected.md5 !== undefined && expected.md5.toLowerCase() !== actual.digests.md5)
    out.push(`md5: expected ${expected.md5.toLowerCase()}, got ${actual.digests.md5}`);
  if (expected.file_index !== undefined) pushAll(out, indexDifferences(expected.file_index, got.file_index));
  return out;
}

function indexDifferences(want: FileIndex, got: FileIndex): string[] {
  const out: string[] = [];
  for (const [name, range] of Object.entries(want)) {
    const have = rangeIn(got, name);
    if (!have) out.push(`file_index: "${name}" is missing`);
    else if (!Array.isArray(range) || have[0] !== range[0] || have[1] !== range[1]) {
      out.push(`file_index: "${name}" expected ${JSON.stringify(range)}, got ${JSON.stringify(have)}`);
    }
  }
  for (const name of Object.keys(got)) if (!Object.hasOwn(want, name)) out.push(`file_index: "${name}" is not in the descriptor`);
  return out;
}
