/**
 * True types, through the public API as a user imports it: a value is a Manifest, Ops, MetaEntry,
 * ... only once it has passed that schema. readArtifact types what it read as JSON, and isDocument
 * or checkDocument turn it into a document; a manifest {} gives findings, never a TypeError.
 * The web entry runs from its sources (its bundle is built for the browser tests only).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as node from 'fnnx-kit';
import type { ArtifactContents, JsonObject, Json, Manifest, MetaEntry, Ops } from 'fnnx-kit';
import * as web from '../src/web/index.js';
import { CORPUS_TAR } from './helpers/paths.js';
import { file, tar } from './helpers/hostile-tar.js';

/** An artifact whose manifest.json is `{}`: every other root file well-formed. */
const EMPTY_MANIFEST = tar([file('manifest.json', '{}'), file('ops.json', '[]'), file('variant_config.json', '{}')]);

type Entry = typeof node | typeof web;

function readOver(api: Entry, bytes: Uint8Array): Promise<ArtifactContents> {
  return api.readArtifact(new api.TarStore(new api.MemorySource(bytes)));
}

/** What a user writes: the inputs' names, read only from a value the guard calls a Manifest. */
function inputNames(api: Entry, value: unknown): string[] | undefined {
  if (!api.isDocument('manifest', value)) return undefined;
  expectTypeOf(value).toEqualTypeOf<Manifest>();
  return value.inputs.map((io) => io.name);
}

describe.each([
  ['fnnx-kit', node],
  ['fnnx-kit/web', web],
] as const)('the documents readArtifact returns (%s)', (_entry, api) => {
  it('are typed as the JSON readArtifact checked, not as a schema they have not passed', async () => {
    const contents = await readOver(api, EMPTY_MANIFEST);
    expectTypeOf(contents.manifest).toEqualTypeOf<JsonObject>();
    expectTypeOf(contents.storedManifest).toEqualTypeOf<JsonObject>();
    expectTypeOf(contents.ops).toEqualTypeOf<Json[]>();
    expect(contents.manifest).toEqual({});
  });

  it('give a manifest {} typed findings with validate()`s code, and code behind the guard no TypeError', async () => {
    const contents = await readOver(api, EMPTY_MANIFEST);
    expect(inputNames(api, contents.manifest)).toBeUndefined();
    const check = api.checkDocument('manifest', contents.manifest);
    expect(check.ok).toBe(false);
    expect(new Set(check.findings.map((d) => d.code))).toEqual(new Set(['MANIFEST_SCHEMA']));
    expect(check.findings.map((d) => d.pointer)).toContain('/inputs');
    expect(check.findings.every((d) => d.member === 'manifest.json' && d.severity === 'error')).toBe(true);
  });

  it('pass the guard and are typed when they conform: the corpus manifest and ops', async () => {
    const contents = await readOver(api, new Uint8Array(readFileSync(CORPUS_TAR)));
    expect(inputNames(api, contents.manifest)?.length).toBeGreaterThan(0);
    const check = api.checkDocument('ops', contents.ops);
    if (!check.ok) throw new Error(`corpus ops.json fails its schema: ${JSON.stringify(check.findings)}`);
    expectTypeOf(check.document).toEqualTypeOf<Ops>();
    expect(check.findings).toEqual([]);
    expect(check.document.map((op) => op.op)).toContain('ONNX_v1');
  });

  it('check any input shape without throwing: null, an array, a string give findings', () => {
    for (const value of [null, [], 'manifest', 7, { inputs: 'not a list' }]) {
      expect(api.isDocument('manifest', value), JSON.stringify(value)).toBe(false);
      expect(api.checkDocument('manifest', value).findings.length, JSON.stringify(value)).toBeGreaterThan(0);
    }
  });
});

describe('checkDocument', () => {
  it('gives the findings validate() gives for the same manifest: one fact, one code', async () => {
    const report = await node.validate(new node.MemorySource(EMPTY_MANIFEST));
    const fromValidate = report.diagnostics.filter((d) => d.code === 'MANIFEST_SCHEMA');
    expect(fromValidate.length).toBeGreaterThan(0);
    expect(node.checkDocument('manifest', {}).findings).toEqual(fromValidate);
  });

  it('narrows a metadata entry to MetaEntry, and names the place the caller gives', () => {
    const entry: unknown = { id: 'a', producer: 'p', producer_version: '1', producer_tags: ['t'], payload: {} };
    const check = node.checkDocument('metaEntry', entry);
    if (!check.ok) throw new Error(JSON.stringify(check.findings));
    expectTypeOf(check.document).toEqualTypeOf<MetaEntry>();
    expect(check.document.producer_tags).toEqual(['t']);
    const bad = node.checkDocument('metaEntry', { id: 'a' }, { member: 'meta-x.json', pointer: '/3' });
    expect(bad.ok).toBe(false);
    expect(bad.findings.map((d) => [d.code, d.member, d.pointer])).toContainEqual(['META_ENTRY_INCOMPLETE', 'meta-x.json', '/3/producer']);
  });
});
