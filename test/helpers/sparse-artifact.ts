import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * A large FNNX artifact that costs almost no disk: the root JSON files first, then one ONNX
 * member of any size left as a hole (ftruncate), then the end-of-archive blocks. The ustar
 * headers are written here by hand so nothing streams gigabytes to make it.
 */

export const SMALL_MANIFEST = {
  variant: 'pipeline',
  description: 'a big sparse model for remote tests',
  producer_name: 'fnnx-kit-tests',
  producer_version: '1.0.0',
  producer_tags: ['big'],
  inputs: [{ name: 'x', content_type: 'NDJSON', dtype: 'Array[float32]', shape: [] }],
  outputs: [{ name: 'y', content_type: 'NDJSON', dtype: 'Array[float32]', shape: [] }],
  dynamic_attributes: [],
  env_vars: [],
};

export const BIG_MEMBER = 'ops_artifacts/main/model.onnx';

export interface SparseArtifact {
  path: string;
  size: number;
  /** Python-tarfile-style index: name -> [data offset, size]. */
  index: Record<string, [number, number]>;
}

export function writeSparseArtifact(path: string, bigMemberSize: number): SparseArtifact {
  const small: Array<[string, Uint8Array]> = [
    ['manifest.json', json(SMALL_MANIFEST)],
    ['ops.json', json([{ id: 'main', op: 'ONNX_v1', inputs: [], outputs: [], attributes: {}, dynamic_attributes: {} }])],
    ['variant_config.json', json({ nodes: [] })],
    ['dtypes.json', json({})],
    ['env.json', json({})],
    ['meta.json', json([])],
  ];
  const index: Record<string, [number, number]> = {};
  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    for (const [name, data] of small) {
      writeSync(fd, ustarHeader(name, data.length), 0, 512, pos);
      index[name] = [pos + 512, data.length];
      writeSync(fd, data, 0, data.length, pos + 512);
      pos += 512 + pad(data.length);
    }
    writeSync(fd, ustarHeader(BIG_MEMBER, bigMemberSize), 0, 512, pos);
    index[BIG_MEMBER] = [pos + 512, bigMemberSize];
    pos += 512 + pad(bigMemberSize);
    const size = pos + 1024;
    ftruncateSync(fd, size);
    return { path, size, index };
  } finally {
    closeSync(fd);
  }
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2));
}

function pad(n: number): number {
  return Math.ceil(n / 512) * 512;
}

/** A plain ustar file header (name ≤ 100 bytes, size < 8 GiB). */
export function ustarHeader(name: string, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number) => h.set(new TextEncoder().encode(text), at);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0');
  put(name, 0);
  put(octal(0o644, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(946_684_800, 12), 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\u000000', 257);
  const sum = h.reduce((a, b) => a + b, 0);
  put(`${octal(sum, 7)}\u0000 `, 148);
  return h;
}
