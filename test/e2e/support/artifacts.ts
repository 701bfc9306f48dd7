/**
 * Artifacts the browser tests open, written in code: a small one with metadata, metrics and a
 * model card, and a 1 GiB one whose big member is a hole in a sparse file (never gigabytes on disk).
 */
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeSync, ftruncateSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';
import { CORPUS_DIR } from '../../helpers/paths.js';

const BLOCK = 512;

/**
 * One ustar header (regular file, fixed mode and mtime). A long path is split into ustar's
 * prefix and name at a slash, as the registry's card paths (~110 bytes) need.
 */
export function ustarHeader(path: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const split = Buffer.byteLength(path) <= 100 ? -1 : path.lastIndexOf('/', 155);
  const [prefix, name] = split < 0 ? ['', path] : [path.slice(0, split), path.slice(split + 1)];
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`test helper: path too long for ustar: ${path}`);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write('14000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'binary');
  h.write(prefix, 345, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

export type Member = { name: string; data: Buffer } | { name: string; hole: number };

/** Writes a tar of `members` to `path`; a `hole` member's data is left unwritten (sparse zeros). */
export function writeTar(path: string, members: Member[]): void {
  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    for (const m of members) {
      const size = 'data' in m ? m.data.length : m.hole;
      writeSync(fd, ustarHeader(m.name, size), 0, BLOCK, pos);
      if ('data' in m && size > 0) writeSync(fd, m.data, 0, size, pos + BLOCK);
      pos += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    }
    ftruncateSync(fd, pos + 2 * BLOCK);
  } finally {
    closeSync(fd);
  }
}

export function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name, { compress: true, mtime: new Date(0) });
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (b: Buffer) => parts.push(b));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));

export const CARD_ID = 'dataforce.studio~c~~c~model_card~c~v1~~et~~0123456789abcdef0123456789abcdef';
export const CARD_HTML = '<!doctype html><html><body><h1 id="card-title">Linear pipeline card</h1><p>Trained on synthetic data.</p><script>document.title="ran"</script></body></html>';

/** The reference corpus pipeline, plus registry metrics in meta.json and a card appended the SDK's legacy way. */
export async function corpusWithCard(): Promise<Member[]> {
  const files = listFiles(CORPUS_DIR).filter((f) => f !== 'meta.json' && !f.endsWith('/.keep'));
  const ordered = ['manifest.json', ...files.filter((f) => f !== 'manifest.json')];
  return [
    ...ordered.map((name) => ({ name, data: readFileSync(join(CORPUS_DIR, name)) })),
    {
      name: 'meta.json',
      data: json([
        {
          id: 'metrics',
          producer: 'e2e',
          producer_version: '1.0',
          producer_tags: ['dataforce.studio::registry_metrics:v1'],
          payload: { metrics: { rmse: 0.125, r2: 0.97 } },
        },
      ]),
    },
    { name: 'meta-0123456789abcdef0123456789abcdef.json', data: json([{ id: CARD_ID, tags: ['dataforce.studio::model_card:v1'], payload: {} }]) },
    { name: `meta_artifacts/${CARD_ID}/model_card.zip`, data: await zipOf({ 'index.html': CARD_HTML }) },
  ];
}

/** A 1 GiB pipeline artifact: small root files, a 1 GiB model (a hole), then a model card. */
export async function bigSparseArtifact(modelSize = 1024 ** 3): Promise<Member[]> {
  const small = await corpusWithCard();
  const card = small.at(-1)!;
  return [...small.slice(0, -1), { name: 'ops_artifacts/big/model.onnx', hole: modelSize }, card];
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(root, p) : [relative(root, p).split('\\').join('/')];
  });
}
