/**
 * Artifacts the browser tests open, written in code with the project's own tar writer: a small
 * one with metadata, metrics and a model card, and a 1 GiB one whose big member is a hole in a
 * sparse file (Python's tarfile writes its headers; no gigabytes reach the disk).
 */
import { createWriteStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';
import type { MemberInput } from '../../../src/artifact/member-input.js';
import { writeTar } from '../../../src/build/tar-writer.js';
import { writeSparseTar } from '../../helpers/foreign-sparse.js';
import { CORPUS_DIR } from '../../helpers/paths.js';

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
export const CARD_MEMBER = `meta_artifacts/${CARD_ID}/model_card.zip`;
export const CARD_HTML =
  '<!doctype html><html><body><h1 id="card-title">Linear pipeline card</h1><p>Trained on synthetic data.</p><script>document.title="ran"</script></body></html>';

/** The reference corpus pipeline with registry metrics in meta.json (the card comes separately). */
function corpusMembers(): MemberInput[] {
  const files = listFiles(CORPUS_DIR).filter((f) => f !== 'meta.json' && !f.endsWith('/.keep'));
  const ordered = ['manifest.json', ...files.filter((f) => f !== 'manifest.json')];
  return [
    ...ordered.map((name) => ({ name, body: readFileSync(join(CORPUS_DIR, name)) })),
    {
      name: 'meta.json',
      body: json([
        {
          id: 'metrics',
          producer: 'e2e',
          producer_version: '1.0',
          producer_tags: ['dataforce.studio::registry_metrics:v1'],
          payload: { metrics: { rmse: 0.125, r2: 0.97 } },
        },
      ]),
    },
  ];
}

/** A card appended the way the registry's SDK does: a legacy sidecar entry and the zip by path. */
async function cardMembers(): Promise<MemberInput[]> {
  return [
    {
      name: 'meta-0123456789abcdef0123456789abcdef.json',
      body: json([{ id: CARD_ID, tags: ['dataforce.studio::model_card:v1'], payload: {} }]),
    },
    { name: CARD_MEMBER, body: await zipOf({ 'index.html': CARD_HTML }) },
  ];
}

async function writeTarFile(path: string, members: MemberInput[]): Promise<void> {
  const out = createWriteStream(path);
  await writeTar(members, (chunk) => new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve()))));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** The corpus pipeline with metrics and a model card, as one small tar. */
export async function writeCardArtifact(path: string): Promise<void> {
  await writeTarFile(path, [...corpusMembers(), ...(await cardMembers())]);
}

/** A pipeline artifact with a `modelSize` model that is a hole, and the model card after it. */
export async function writeBigArtifact(path: string, scratch: string, modelSize = 1024 ** 3): Promise<void> {
  const head = join(scratch, 'head.tar');
  const card = join(scratch, 'card.tar');
  await writeTarFile(head, corpusMembers());
  await writeTarFile(card, await cardMembers());
  writeSparseTar(path, 'PAX', [{ copy: head }, { name: 'ops_artifacts/big/model.onnx', hole: modelSize }, { copy: card }]);
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(root, p) : [relative(root, p).split('\\').join('/')];
  });
}
