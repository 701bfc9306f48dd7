/**
 * Test artifacts built in code with tar-stream's pack (a third writer beside GNU tar and Python),
 * in memory: small enough that a buffer is the honest way to hold them.
 */
import { pack } from 'tar-stream';

export type Members = Array<[name: string, content: string | Uint8Array | object]>;

export async function packTar(members: Members): Promise<Uint8Array> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const [name, content] of members) {
    const bytes =
      typeof content === 'string'
        ? Buffer.from(content)
        : content instanceof Uint8Array
          ? Buffer.from(content)
          : Buffer.from(JSON.stringify(content));
    p.entry({ name, size: bytes.length, mtime: new Date(1_700_000_000_000) }, bytes);
  }
  p.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

export const MANIFEST = {
  variant: 'pipeline',
  name: 'test-model',
  version: '1.0.0',
  description: 'built by a test',
  producer_name: 'fnnx-kit-tests',
  producer_version: '0.0.1',
  producer_tags: [] as string[],
  inputs: [{ name: 'x', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 3] }],
  outputs: [{ name: 'y', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch'] }],
  dynamic_attributes: [],
  env_vars: [],
};

export const OPS = [{ id: 'main', op: 'ONNX_v1', inputs: [], outputs: [], attributes: {}, dynamic_attributes: {} }];

/** The three required root files, then `extra` members in the given order. */
export function artifact(extra: Members = [], manifest: object = MANIFEST): Members {
  return [['manifest.json', manifest], ['ops.json', OPS], ['variant_config.json', { nodes: [] }], ...extra];
}

/** A conforming metadata entry. */
export function metaEntry(id: string, tags: string[], payload: object = {}) {
  return { id, producer: 'tests', producer_version: '1', producer_tags: tags, payload };
}
