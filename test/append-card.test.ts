import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountingSource, openStore, readArtifact, readNewestCard } from '../src/index.js';
import { buildCardZip } from '../src/node/card-zip.js';
import { packToFile } from '../src/node/pack.js';
import { openStoreWith } from '../src/node/open.js';
import { CORPUS_DIR, tempDir } from './helpers/paths.js';
import { cpSync } from 'node:fs';
import { appendToArtifact } from '../src/node/append-file.js';
import { cardAppendMembers } from '../src/append/card.js';
import { newHexId } from '../src/append/ids.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { startRangeServer } from './helpers/range-server.js';
import { minimalManifest } from './helpers/build-fixtures.js';

const MODEL_BYTES = 8 * 1024 * 1024;

/** An artifact with a big model, so reading "only the card" is measurable. */
async function artifactWithModel(dir: string): Promise<string> {
  const path = join(dir, 'model.fnnx');
  const model = new Uint8Array(MODEL_BYTES).map((_, i) => (i * 31) & 0xff);
  await packToFile({ manifest: minimalManifest(), files: [{ name: 'ops_artifacts/main/model.onnx', body: model }] }, path);
  return path;
}

function addCard(dir: string, path: string, html: string, assets: Record<string, string> = {}) {
  writeFileSync(join(dir, 'card.html'), html);
  const args = ['card', 'add', path, join(dir, 'card.html')];
  for (const [name, content] of Object.entries(assets)) {
    writeFileSync(join(dir, name), content);
    args.push('--asset', join(dir, name));
  }
  return runCli(args);
}

/** Python's zipfile as the foreign reader: every entry's name and method, after testzip() checked every CRC. */
function zipEntries(bytes: Buffer): Array<{ name: string; method: number }> {
  const script = [
    'import io, json, sys, zipfile',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'assert z.testzip() is None',
    'print(json.dumps([{"name": i.filename, "method": i.compress_type} for i in z.infolist()]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: bytes, encoding: 'utf8' })) as Array<{ name: string; method: number }>;
}

describe('model cards', () => {
  it('card add writes model_card.zip (deflated index.html + assets) under the registry id and a tagged sidecar entry', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    const r = addCard(dir, path, '<h1>Card</h1>', { 'logo.svg': '<svg/>' });
    expect(r.code, r.stderr).toBe(0);
    const store = await openStore(path);
    const a = await readArtifact(store);
    const cardPath = Object.keys(a.fileIndex).find((n) => n.endsWith('/model_card.zip'))!;
    expect(cardPath).toMatch(/^meta_artifacts\/dataforce\.studio~c~~c~model_card~c~v1~~et~~[0-9a-f]{32}\/model_card\.zip$/);
    const entry = a.metadata.find((m) => m.tags.includes('dataforce.studio::model_card:v1'))!;
    expect(entry.conforms).toBe(true);
    expect(cardPath).toBe(`meta_artifacts/${String(entry.entry.id)}/model_card.zip`);
    const entries = zipEntries(Buffer.from(await store.read(cardPath)));
    await store.close();
    expect(entries).toEqual([
      { name: 'index.html', method: 8 },
      { name: 'logo.svg', method: 8 },
    ]);
  });

  it('card show prints the newest card', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    addCard(dir, path, '<h1>old</h1>');
    await new Promise((r) => setTimeout(r, 5));
    addCard(dir, path, '<h1>new</h1>');
    const r = runCli(['card', 'show', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('<h1>new</h1>');
  });

  it('reads a card by its byte range only: a small fraction of an artifact holding an 8 MiB model', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    addCard(dir, path, '<h1>ranged</h1>');
    let counter: CountingSource | undefined;
    const store = await openStoreWith(path, { wrap: (s) => (counter = new CountingSource(s)) });
    const { html } = await readNewestCard(store);
    await store.close();
    expect(new TextDecoder().decode(html)).toBe('<h1>ranged</h1>');
    expect(counter!.bytes).toBeLessThan(MODEL_BYTES / 8);
  });

  it('card show works over HTTP by ranges, without downloading the model', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    addCard(dir, path, '<h1>remote</h1>');
    const server = await startRangeServer(dir);
    try {
      const r = await runCliAsync(['card', 'show', server.url('model.fnnx')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('<h1>remote</h1>');
      expect(server.bytesSent()).toBeLessThan(MODEL_BYTES / 8);
    } finally {
      await server.close();
    }
  });

  it('finds a card appended by the registry SDK in its legacy {id, tags, payload} shape (Python tarfile append)', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    const script = [
      'import io, json, sys, tarfile, zipfile',
      'hexid = "0123456789abcdef0123456789abcdef"',
      'eid = "dataforce.studio~c~~c~model_card~c~v1~~et~~" + hexid',
      'buf = io.BytesIO()',
      'with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z: z.writestr("index.html", "<h1>legacy</h1>")',
      'entry = json.dumps([{"id": eid, "tags": ["dataforce.studio::model_card:v1"], "payload": {}}]).encode()',
      'with tarfile.open(sys.argv[1], "a") as t:',
      '    for name, data in [("meta-" + hexid + ".json", entry), ("meta_artifacts/" + eid + "/model_card.zip", buf.getvalue())]:',
      '        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))',
    ].join('\n');
    execFileSync('python3', ['-c', script, path]);
    const r = runCli(['card', 'show', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('<h1>legacy</h1>');
  });

  it('bounds the uncompressed size of a card by a configurable limit (LIMIT_EXCEEDED, exit 1)', async () => {
    const dir = tempDir();
    const path = await artifactWithModel(dir);
    addCard(dir, path, `<p>${'x'.repeat(100_000)}</p>`);
    const r = runCli(['card', 'show', path, '--limit', 'maxZipUncompressed=1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/LIMIT_EXCEEDED/);
  });

  it('adds and shows a card in the directory form too', async () => {
    const dir = join(tempDir(), 'model.fnnx');
    cpSync(CORPUS_DIR, dir, { recursive: true });
    const zip = await buildCardZip([{ name: 'index.html', bytes: new TextEncoder().encode('<h1>dir</h1>') }]);
    await appendToArtifact(dir, async () => cardAppendMembers(zip, newHexId(), { name: 'tests', version: '1' }));
    const store = await openStore(dir);
    const { html } = await readNewestCard(store);
    await store.close();
    expect(new TextDecoder().decode(html)).toBe('<h1>dir</h1>');
  });

  it('says so when there is no card (exit 1)', async () => {
    const dir = tempDir();
    const r = runCli(['card', 'show', await artifactWithModel(dir)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NO_MODEL_CARD/);
  });

  it('buildCardZip stops at an aborted signal (ABORTED), and refuses what card show would refuse before reading a file', async () => {
    const files = [{ name: 'index.html', bytes: new TextEncoder().encode('<h1>x</h1>') }];
    await expect(buildCardZip(files, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    const missing = [
      { name: 'index.html', path: '/nonexistent/card.html' },
      { name: 'a.png', path: '/nonexistent/a.png' },
    ];
    await expect(buildCardZip(missing, { limits: { maxZipEntries: 1 } })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxZipEntries',
    });
  });

  it('builds the same zip bytes from the same card files (fixed times and modes)', async () => {
    const files = [{ name: 'index.html', bytes: new TextEncoder().encode('<h1>x</h1>') }];
    expect(Buffer.from(await buildCardZip(files)).equals(Buffer.from(await buildCardZip(files)))).toBe(true);
  });
});
