/**
 * The public API: both entries export the same names for the same actions, the format's types are
 * generated from schemas/ and current, and a reader's documents are typed by them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as node from '../src/index.js';
import * as web from '../src/web/index.js';
import * as shared from '../src/api-shared.js';
import type { Descriptor, JsonObject, Manifest, OpInstance, UploadDescriptor } from '../src/index.js';
import { generatedTypes } from '../scripts/generate-types.mjs';
import { CORPUS_TAR } from './helpers/paths.js';

const ROOT = join(import.meta.dirname, '..');

/** Actions each platform implements its own way, under one name. */
const PER_PLATFORM = ['initiateMultipartUpload'];

describe('the entries', () => {
  it('export every shared name from both, as the same object', () => {
    for (const name of Object.keys(shared)) {
      expect(Object.hasOwn(node, name) && Object.hasOwn(web, name), name).toBe(true);
      expect((node as Record<string, unknown>)[name], name).toBe((shared as Record<string, unknown>)[name]);
      expect((web as Record<string, unknown>)[name], name).toBe((shared as Record<string, unknown>)[name]);
    }
  });

  it('give an action both platforms have one name: the only names both export apart from the shared ones are per-platform implementations', () => {
    const both = Object.keys(node).filter((n) => Object.hasOwn(web, n) && !Object.hasOwn(shared, n));
    expect(both.sort()).toEqual([...PER_PLATFORM].sort());
    expect(Object.hasOwn(web, 'findCard') || Object.hasOwn(web, 'readCardHtml')).toBe(false);
  });

  it('keep internals internal', () => {
    for (const name of [
      'orderedMembers',
      'jsonBytes',
      'FIXED_MTIME',
      'AtomicFileSink',
      'planMembers',
      'parseRetryAfter',
      'lastWins',
      'writeTar',
      'TarScanner',
      'initiateMultipart',
      'fileIndexOf',
      'blobChunks',
      'cryptoHasher',
      'differences',
      'checkEntries',
      'PlannedStore',
      'refuseInvalidResult',
    ]) {
      expect(Object.hasOwn(node, name) || Object.hasOwn(web, name), name).toBe(false);
    }
  });
});

describe('the format types', () => {
  it('are current: regenerating them from schemas/ changes nothing (npm run build:types)', async () => {
    for (const [path, text] of await generatedTypes()) {
      expect(readFileSync(join(ROOT, path), 'utf8'), `${path} is stale: npm run build:types`).toBe(text);
    }
  });

  it('type what the reader returns once checkDocument passed it: manifest.inputs and ops type-check', async () => {
    const contents = await node.readArtifact(await node.openStore(CORPUS_TAR));
    const manifestCheck = node.checkDocument('manifest', contents.manifest);
    const opsCheck = node.checkDocument('ops', contents.ops);
    if (!manifestCheck.ok || !opsCheck.ok) throw new Error('the corpus breaks its schemas');
    const [manifest, ops] = [manifestCheck.document, opsCheck.document];
    expectTypeOf(manifest).toEqualTypeOf<Manifest>();
    expectTypeOf(manifest.inputs[0]!.dtype).toEqualTypeOf<string>();
    expectTypeOf(ops[0]!).toEqualTypeOf<OpInstance>();
    const names: string[] = manifest.inputs.map((io) => io.name);
    expect(names.length).toBeGreaterThan(0);
    expect(ops.map((op) => op.op)).toContain('ONNX_v1');
    // @ts-expect-error a key the schema does not declare does not type-check
    expect(manifest.inputz).toBeUndefined();
  });

  it('type the descriptor: what describe returns is an UploadDescriptor as the schema has it, its manifest as read (JSON)', () => {
    expectTypeOf<Omit<Descriptor, 'manifest'>>().toExtend<Omit<UploadDescriptor, 'manifest'>>();
    expectTypeOf<Descriptor['manifest']>().toEqualTypeOf<JsonObject>();
  });
});
