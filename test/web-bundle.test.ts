/**
 * The browser bundle (`fnnx-kit/web`) is built here from vite.web.config.ts, minified so comments
 * cannot hide or fake anything, and checked: it imports nothing (no `node:` module, no Node
 * builtin, no package left external) and uses no Node-only global, yet reads an artifact.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../src/source/memory-source.js';
import { validate } from '../src/validate/validate.js';
import { CHAIN_FILE_NAME, CHAIN_OPTIONS, chainModels, nodeBuild } from './helpers/onnx-chain.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'stream',
  'zlib',
  'url',
  'util',
  'buffer',
  'child_process',
  'events',
];

let outDir: string;
/** The bundle and its worker chunk, concatenated: every emitted script is checked. */
let code: string;
let scripts: string[];

beforeAll(async () => {
  outDir = tempDir('fnnx-web-bundle-');
  await build({ configFile: 'vite.web.config.ts', logLevel: 'warn', build: { outDir, minify: true, sourcemap: false } });
  scripts = (readdirSync(outDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
  expect(scripts).toContain('fnnx-kit-web.js');
  expect(scripts.some((f) => f.includes('describe-worker'))).toBe(true);
  code = scripts.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
});

describe('browser bundle', () => {
  it('imports no module but its own chunks: no node: specifier, no builtin, nothing left external', () => {
    const specifiers = [
      ...code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g),
      ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
      ...code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]!);
    // Code loaded on first use (runCheckWeb's checks) is a chunk of its own, emitted beside the entry and checked with it.
    const own = new Set(scripts.map((f) => `./${f}`));
    expect(specifiers.filter((s) => !own.has(s))).toEqual([]);
    expect(code).not.toMatch(/["']node:/);
    for (const name of NODE_BUILTINS) expect(code).not.toMatch(new RegExp(`\\brequire\\(["']${name}["']\\)`));
  });

  it('touches Node-only globals (Buffer, process) only behind a typeof guard, and never __dirname', () => {
    // A dependency may probe for Node (protobuf does: `typeof process != "object" || process.env…`);
    // what must not happen is a use that throws in a browser. streamx (the tar writer's streams)
    // falls back to process.nextTick only where `typeof queueMicrotask` says there is none, which
    // no browser of the bundle's es2022 target is.
    for (const [global, use, guard] of [
      ['Buffer', /\bBuffer\.(from|alloc|allocUnsafe|concat|isBuffer|byteLength)\b/g, /typeof Buffer\b/],
      ['process', /\bprocess\.(env|cwd|nextTick|platform|versions|argv)\b/g, /typeof (process|queueMicrotask)\b/],
    ] as const) {
      for (const m of code.matchAll(use)) {
        const before = code.slice(Math.max(0, m.index - 200), m.index);
        expect(before, `unguarded ${global}: ${m[0]} near: ${code.slice(m.index - 80, m.index + 40)}`).toMatch(guard);
      }
    }
    expect(code).not.toMatch(/\b__dirname\b|\b__filename\b/);
  });

  it('exports the sources, the tar store, the reader, the validator and the browser describer, and reads and validates an artifact from a Blob', async () => {
    const web = (await import(pathToFileURL(join(outDir, 'fnnx-kit-web.js')).href)) as typeof import('../src/web/index.js');
    for (const name of [
      'BlobSource',
      'HttpSource',
      'TarStore',
      'readArtifact',
      'describeBlob',
      'openBlob',
      'openUrl',
      'ZipReader',
      'wasmHasher',
      'validate',
    ] as const) {
      expect(web[name], name).toBeTypeOf('function');
    }
    const store = web.openBlob(new Blob([readFileSync(CORPUS_TAR)]));
    const contents = await web.readArtifact(store);
    expect(contents.manifest.variant).toBe('pipeline');
    expect(Object.keys(contents.fileIndex)).toContain('ops_artifacts/linreg/model.onnx');
    const report = await web.validate(store);
    expect(report.diagnostics.length).toBeGreaterThan(0);
    expect(report.diagnostics.every((d) => typeof d.code === 'string' && /^[A-Z0-9_]+$/.test(d.code))).toBe(true);
  });

  it('makes a pipeline artifact from an ONNX model given as a Blob (newFromOnnx), declarations read from the model', async () => {
    const web = (await import(pathToFileURL(join(outDir, 'fnnx-kit-web.js')).href)) as typeof import('../src/web/index.js');
    const model = new Blob([readFileSync(join(CORPUS_DIR, 'ops_artifacts/linreg/model.onnx'))]);
    const artifact = await web.newFromOnnx([{ name: 'linreg.onnx', source: new web.BlobSource(model) }]);
    expect(artifact.ops[0]).toMatchObject({ id: 'linreg', attributes: { onnx_ir_version: 10, has_external_data: false } });
    expect(artifact.files.map((f) => f.name)).toEqual(['ops_artifacts/linreg/model.onnx']);
  });

  it('builds (newFromOnnx + buildArtifact, wasmHasher) from ONNX models given as Blobs the very bytes Node builds, and Node validates them sound', async () => {
    const web = (await import(pathToFileURL(join(outDir, 'fnnx-kit-web.js')).href)) as typeof import('../src/web/index.js');
    const models = chainModels();
    const input = await web.newFromOnnx(
      models.map((m) => ({ name: m.name, source: new web.BlobSource(new Blob([m.bytes])) })),
      CHAIN_OPTIONS,
    );
    const chunks: Uint8Array[] = [];
    const result = await web.buildArtifact(input, (c) => void chunks.push(c.slice()), {
      fileName: CHAIN_FILE_NAME,
      hasher: web.wasmHasher,
    });
    const bytes = Buffer.concat(chunks);
    const expected = await nodeBuild(models);
    expect(bytes.length).toBe(expected.bytes.length);
    expect(bytes.equals(expected.bytes)).toBe(true);
    expect(result.descriptor).toEqual(expected.result.descriptor);
    const report = await validate(new MemorySource(bytes, CHAIN_FILE_NAME), { strict: true });
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });
});
