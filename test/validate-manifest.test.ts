import { describe, expect, it } from 'vitest';
import { validateManifest } from '../src/validate/index.js';

const sound = () => ({
  variant: 'pipeline',
  producer_name: 'p',
  producer_version: '1',
  producer_tags: [],
  inputs: [{ name: 'x', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 3] }],
  outputs: [{ name: 'y', content_type: 'NDJSON', dtype: 'NDContainer[float]', shape: [] }],
  dynamic_attributes: [],
  env_vars: [],
});

const codes = (m: unknown, dtypes?: unknown) =>
  validateManifest(m as never, dtypes === undefined ? {} : { dtypes: dtypes as never }).map((d) => `${d.code} ${d.pointer}`);

describe('validateManifest', () => {
  it('finds nothing wrong with a sound manifest', () => {
    expect(validateManifest(sound())).toEqual([]);
  });

  it('reports a missing required key with MANIFEST_SCHEMA and a pointer to the key', () => {
    const m: Record<string, unknown> = sound();
    delete m.producer_tags;
    expect(codes(m)).toEqual(['MANIFEST_SCHEMA /producer_tags']);
  });

  it('rejects a content_type other than NDJSON and JSON', () => {
    const m = sound();
    (m.inputs[0] as Record<string, unknown>).content_type = 'CSV';
    expect(codes(m)).toContain('MANIFEST_SCHEMA /inputs/0/content_type');
  });

  it('requires a shape on NDJSON entries only', () => {
    const m = sound();
    delete (m.inputs[0] as Record<string, unknown>).shape;
    expect(codes(m)).toEqual(['MANIFEST_SCHEMA /inputs/0/shape']);
  });

  it('reports an input name declared twice as IO_NAME_DUPLICATE', () => {
    const m = sound();
    m.inputs.push({ ...m.inputs[0]! });
    expect(codes(m)).toEqual(['IO_NAME_DUPLICATE /inputs/1/name']);
  });

  it('allows the same name once in inputs and once in outputs', () => {
    const m = sound();
    m.outputs[0]!.name = 'x';
    expect(validateManifest(m)).toEqual([]);
  });

  it('checks the dtype grammar: malformed forms, unknown Array elements, NDContainer of Array', () => {
    const m = sound();
    m.inputs = [
      { name: 'a', content_type: 'NDJSON', dtype: 'Array[float32', shape: [] },
      { name: 'b', content_type: 'NDJSON', dtype: 'Array[float16]', shape: [] },
      { name: 'c', content_type: 'NDJSON', dtype: 'NDContainer[Array[int64]]', shape: [] },
      { name: 'd', content_type: 'NDJSON', dtype: 'float32', shape: [] },
    ];
    expect(codes(m)).toEqual([
      'DTYPE_SYNTAX /inputs/0/dtype',
      'DTYPE_ELEMENT_UNKNOWN /inputs/1/dtype',
      'DTYPE_CONTAINER_OF_ARRAY /inputs/2/dtype',
      'DTYPE_SYNTAX /inputs/3/dtype',
    ]);
    expect(validateManifest(m).find((d) => d.code === 'DTYPE_ELEMENT_UNKNOWN')?.severity).toBe('warning');
  });

  it('requires a JSON entry to name a custom dtype that dtypes.json defines', () => {
    const m = sound();
    m.inputs = [
      { name: 'a', content_type: 'JSON', dtype: 'ext::doc' } as never,
      { name: 'b', content_type: 'JSON', dtype: 'ext::missing' } as never,
      { name: 'c', content_type: 'JSON', dtype: 'Array[float32]' } as never,
    ];
    expect(codes(m, { 'ext::doc': { type: 'object' } })).toEqual([
      'DTYPE_UNDEFINED /inputs/1/dtype',
      'DTYPE_JSON_NOT_CUSTOM /inputs/2/dtype',
    ]);
  });

  it('checks NDContainer custom inner dtypes only when dtypes.json is given', () => {
    const m = sound();
    m.outputs[0]!.dtype = 'NDContainer[ext::row]';
    expect(validateManifest(m)).toEqual([]);
    expect(codes(m, {})).toEqual(['DTYPE_UNDEFINED /outputs/0/dtype']);
  });

  it('warns about a shape declared on a JSON entry', () => {
    const m = sound();
    m.inputs = [{ name: 'a', content_type: 'JSON', dtype: 'ext::doc', shape: [1] }];
    expect(codes(m, { 'ext::doc': {} })).toEqual(['JSON_IO_SHAPE /inputs/0/shape']);
  });

  it('reports a manifest that is not an object without throwing', () => {
    expect(codes([])).toEqual(['MANIFEST_SCHEMA ']);
  });
});
