/** Manifest patches as RFC 6902 `add`/`replace` over RFC 6901 pointers (our own, since fast-json-patch left). */
import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../src/errors.js';
import type { Json } from '../src/artifact/json-member.js';
import { applyPatches, checkPatch, PatchedDocument } from '../src/artifact/patches.js';
import { LimitError } from '../src/errors.js';
import { readArtifact } from '../src/artifact/reader.js';
import { validate } from '../src/validate/validate.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { MemorySource } from '../src/source/memory-source.js';
import { file, tar } from './helpers/hostile-tar.js';
import { soundRoot } from './helpers/hostile-corpus.js';

const apply = (doc: Json, ops: Json) =>
  applyPatches(doc, [{ member: 'manifest-1.patch.json', ops: checkPatch(ops, 'manifest-1.patch.json') }]);

function refusal(doc: Json, ops: Json): string {
  try {
    apply(doc, ops);
  } catch (e) {
    expect(e).toBeInstanceOf(ArtifactError);
    expect((e as ArtifactError).code).toBe('PATCH_NOT_APPLICABLE');
    expect((e as ArtifactError).member).toBe('manifest-1.patch.json');
    return (e as ArtifactError).message;
  }
  throw new Error('expected PATCH_NOT_APPLICABLE');
}

describe('applyPatches', () => {
  it('adds a new key and replaces an existing one, on a copy (the input is left as it was)', () => {
    const doc = { name: 'a', nested: { x: 1 } };
    const out = apply(doc, [
      { op: 'add', path: '/version', value: '1.0' },
      { op: 'replace', path: '/nested/x', value: 2 },
      { op: 'add', path: '/name', value: 'b' },
    ]);
    expect(out).toEqual({ name: 'b', nested: { x: 2 }, version: '1.0' });
    expect(doc).toEqual({ name: 'a', nested: { x: 1 } });
  });

  it('inserts into an array before an index, appends at "-", and replaces an existing item', () => {
    const out = apply({ a: [1, 2, 3] }, [
      { op: 'add', path: '/a/1', value: 9 },
      { op: 'add', path: '/a/-', value: 7 },
      { op: 'add', path: '/a/5', value: 8 },
      { op: 'replace', path: '/a/0', value: 0 },
    ]);
    expect(out).toEqual({ a: [0, 9, 2, 3, 7, 8] });
  });

  it('the pointer "" replaces the whole document', () => {
    expect(apply({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it('unescapes ~1 to "/" and then ~0 to "~", so "~01" names the key "~1"', () => {
    const out = apply({ 'a/b': 1, '~1': 2 }, [
      { op: 'replace', path: '/a~1b', value: 10 },
      { op: 'replace', path: '/~01', value: 20 },
    ]);
    expect(out).toEqual({ 'a/b': 10, '~1': 20 });
  });

  it('a value added twice is two independent copies', () => {
    const out = apply({}, [
      { op: 'add', path: '/a', value: { n: 1 } },
      { op: 'add', path: '/b', value: { n: 1 } },
      { op: 'replace', path: '/a/n', value: 2 },
    ]) as { a: { n: number }; b: { n: number } };
    expect(out.b.n).toBe(1);
  });

  it('"__proto__", "constructor" and "toString" are keys like any other: own properties, no prototype touched', () => {
    const out = apply({}, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
      { op: 'add', path: '/constructor', value: 1 },
    ]) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.constructor).toBe(1);
    expect(refusal({}, [{ op: 'replace', path: '/toString', value: 1 }])).toMatch(/nothing at \/toString to replace/);
    expect(refusal({}, [{ op: 'add', path: '/toString/x', value: 1 }])).toMatch(/nothing at the parent of \/toString\/x/);
  });

  it('the copy a patch works on keeps a parsed "__proto__" key as an own key, and the stored document is unchanged', () => {
    const stored = JSON.parse('{"__proto__": {"x": 1}, "a": {"b": 1}}') as Json;
    const out = apply(stored, [{ op: 'replace', path: '/a/b', value: 2 }]) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: 1 });
    expect(out.a).toEqual({ b: 2 });
    expect(JSON.stringify(stored)).toBe('{"__proto__":{"x":1},"a":{"b":1}}');
  });

  it('replace of a missing key or item says to use add; add under a missing parent says the parent must exist', () => {
    expect(refusal({ a: {} }, [{ op: 'replace', path: '/a/b', value: 1 }])).toBe(
      'operation 0 (replace /a/b) cannot be applied: the manifest has nothing at /a/b to replace (use "add" to create it)',
    );
    expect(refusal({ a: [1] }, [{ op: 'replace', path: '/a/1', value: 1 }])).toMatch(/nothing at \/a\/1 to replace/);
    expect(refusal({}, [{ op: 'add', path: '/a/b', value: 1 }])).toBe(
      'operation 0 (add /a/b) cannot be applied: the manifest has nothing at the parent of /a/b (add creates one key or item; its parent must exist)',
    );
    expect(refusal({ a: 'text' }, [{ op: 'add', path: '/a/b', value: 1 }])).toMatch(/nothing at the parent of \/a\/b/);
  });

  it('array indexes are RFC 6901 indexes: no leading zeros, no signs, no "-" for replace, none past the end', () => {
    for (const path of ['/a/01', '/a/-1', '/a/+1', '/a/1.0', '/a/x', '/a/4'])
      expect(refusal({ a: [1, 2, 3] }, [{ op: 'add', path, value: 0 }]), path).toMatch(
        /is not an index of the array .*\(0 to 3, or "-" to append\)/,
      );
    expect(refusal({ a: [1] }, [{ op: 'replace', path: '/a/-', value: 0 }])).toMatch(/"-" is not an index .*\(0 to 0\)/);
    expect(refusal({ a: [[1]] }, [{ op: 'add', path: '/a/01/0', value: 0 }])).toMatch(/nothing at the parent/);
  });

  it('names the operation that failed by its index, after the ones before it applied', () => {
    expect(
      refusal({}, [
        { op: 'add', path: '/a', value: 1 },
        { op: 'replace', path: '/b', value: 1 },
      ]),
    ).toMatch(/^operation 1 \(replace \/b\)/);
  });

  it('a patch that fails part-way is undone whole: values, array items and key order as before it', () => {
    const doc = new PatchedDocument({ a: 1, list: [1, 2], keep: { x: 1 } });
    doc.apply(checkPatch([{ op: 'add', path: '/first', value: true }], 'manifest-1.patch.json'), 'manifest-1.patch.json');
    const before = JSON.stringify(doc.root);
    expect(() =>
      doc.apply(
        checkPatch(
          [
            { op: 'add', path: '/b', value: 2 },
            { op: 'replace', path: '/a', value: 9 },
            { op: 'add', path: '/list/0', value: 0 },
            { op: 'replace', path: '/list/2', value: 7 },
            { op: 'replace', path: '', value: [] },
            { op: 'replace', path: '/missing', value: 1 },
          ],
          'manifest-2.patch.json',
        ),
        'manifest-2.patch.json',
      ),
    ).toThrow(/operation 5/);
    expect(JSON.stringify(doc.root)).toBe(before);
  });

  it('20,000 patches over a 1 MiB manifest apply on one copy: the input untouched, every patch seen in order', () => {
    const stored = { description: 'd'.repeat(1024 * 1024), version: '0' };
    const patches = Array.from({ length: 20_000 }, (_, i) => ({
      member: `manifest-${i}.patch.json`,
      ops: checkPatch([{ op: 'replace', path: '/version', value: String(i) }], `manifest-${i}.patch.json`),
    }));
    // A copy per patch took 186 s here (20 GB copied); one pass is milliseconds, far inside the test timeout.
    const out = applyPatches(stored, patches) as typeof stored;
    expect(out.version).toBe('19999');
    expect(stored.version).toBe('0');
  }, 60_000);
});

describe('maxManifestPatches', () => {
  const store = (patches: number) => {
    const members = Array.from({ length: patches }, (_, i) =>
      file(`manifest-${String(i).padStart(32, '0')}.patch.json`, `[{"op":"add","path":"/version","value":"${i}"}]`),
    );
    return new TarStore(new MemorySource(tar([...soundRoot(), ...members])));
  };

  it('readArtifact refuses more patches than the limit with LIMIT_EXCEEDED naming maxManifestPatches, and reads at the limit', async () => {
    const err = await readArtifact(store(4), { limits: { maxManifestPatches: 3 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).code).toBe('LIMIT_EXCEEDED');
    expect((err as LimitError).limit).toBe('maxManifestPatches');
    expect((err as LimitError).hint).toMatch(/--limit maxManifestPatches=<n>/);
    const read = await readArtifact(store(3), { limits: { maxManifestPatches: 3 } });
    expect(read.manifest.version).toBe('2');
  });

  it('validate reports the limit as its finding, naming the last patch', async () => {
    const report = await validate(store(4), { limits: { maxManifestPatches: 3 } });
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => [d.code, d.member])).toEqual([['LIMIT_EXCEEDED', `manifest-${'3'.padStart(32, '0')}.patch.json`]]);
    expect(report.diagnostics[0]!.message).toMatch(/maxManifestPatches/);
  });
});
