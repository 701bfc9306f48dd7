/** Manifest patches as RFC 6902 `add`/`replace` over RFC 6901 pointers (our own, since fast-json-patch left). */
import { describe, expect, it } from 'vitest';
import { ArtifactError } from '../src/errors.js';
import type { Json } from '../src/artifact/json-member.js';
import { applyPatch, checkPatch } from '../src/artifact/patches.js';

const apply = (doc: Json, ops: Json) => applyPatch(doc, checkPatch(ops, 'manifest-1.patch.json'), 'manifest-1.patch.json');

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

describe('applyPatch', () => {
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
});
