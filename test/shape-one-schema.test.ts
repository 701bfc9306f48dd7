/**
 * A metadata entry's shape and a manifest patch's shape each have one definition, the schema in
 * schemas/: append-meta (checkEntries), the reader and validate judge every case alike, so no
 * artifact is written that validate calls broken and none is refused that it calls sound.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../src/artifact/json-member.js';
import { checkEntries } from '../src/append/meta.js';
import { checkPatch } from '../src/artifact/patches.js';
import { readArtifact } from '../src/artifact/reader.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { isFnnxError } from '../src/errors.js';
import { MemorySource } from '../src/source/memory-source.js';
import { validate } from '../src/validate/validate.js';
import { soundRoot } from './helpers/hostile-corpus.js';
import { file, tar } from './helpers/hostile-tar.js';

const good = { id: 'e', producer: 'p', producer_version: '1', producer_tags: ['t'], payload: {} };
const ENTRIES: Array<[string, Json]> = [
  ['a conforming entry', good],
  ['extra keys (allowed)', { ...good, note: 'x' }],
  ['producer missing', { ...good, producer: undefined } as unknown as Json],
  ['a tag that is a number', { ...good, producer_tags: ['t', 3] }],
  ['payload an array', { ...good, payload: [] }],
  ['payload null', { ...good, payload: null }],
  ['id a number', { ...good, id: 7 }],
];

const PATCHES: Array<[string, Json]> = [
  ['add and replace', [{ op: 'add', path: '/x', value: 1 }]],
  ['"" replaces the whole document', [{ op: 'replace', path: '', value: {} }]],
  ['remove (not allowed)', [{ op: 'remove', path: '/x' }]],
  ['a relative pointer', [{ op: 'add', path: 'x', value: 1 }]],
  ['no value', [{ op: 'add', path: '/x' }]],
  ['op not a string', [{ op: 1, path: '/x', value: 1 }]],
  ['not an array', { op: 'add', path: '/x', value: 1 }],
];

const store = (members: Array<[string, string]>) =>
  new TarStore(new MemorySource(tar([...soundRoot(), ...members.map(([n, t]) => file(n, t))])));

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (isFnnxError(e)) return e.code;
    throw e;
  }
};

describe('one metadata-entry shape', () => {
  it.each(ENTRIES)(
    '%s: append-meta refuses it exactly when validate calls its sidecar broken, with the same code',
    async (_name, entry) => {
      const refused = codeOf(() => checkEntries(entry, 'entry.json'));
      const s = store([['meta-00000000000000000000000000000001.json', JSON.stringify([entry])]]);
      const report = await validate(s);
      const errors = report.diagnostics.filter((d) => d.severity === 'error' && d.member?.startsWith('meta-')).map((d) => d.code);
      expect(errors.length > 0).toBe(refused !== undefined);
      if (refused) expect(errors).toContain(refused);
      const read = await readArtifact(s);
      expect(read.metadata.every((m) => m.conforms)).toBe(refused === undefined);
    },
  );
});

describe('one patch shape', () => {
  it.each(PATCHES)('%s: the reader refuses it exactly when validate does, with the same code', async (_name, patch) => {
    const refused = codeOf(() => checkPatch(patch, 'manifest-1.patch.json'));
    const report = await validate(store([['manifest-1.patch.json', JSON.stringify(patch)]]));
    const shape = report.diagnostics.filter((d) => d.code === 'PATCH_INVALID' || d.code === 'PATCH_OP_NOT_ALLOWED').map((d) => d.code);
    expect(shape.length > 0).toBe(refused !== undefined);
    if (refused) expect(shape).toContain(refused);
  });
});
