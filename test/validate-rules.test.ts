import { describe, expect, it } from 'vitest';
import { MemorySource } from '../src/source/memory-source.js';
import { validate } from '../src/validate/validate.js';
import { isPathSafeId } from '../src/artifact/metadata.js';
import { findings, soundPipeline, soundPyfunc, validateMembers, type Members } from './helpers/validate-artifact.js';

// Tests edit parsed JSON freely; its shape is what each test is about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** A copy of the sound pipeline with one member changed. */
function pipelineWith(name: string, change: (value: Obj) => unknown = (v) => v): Members {
  const m = structuredClone(soundPipeline());
  const out = change(m[name] as Obj);
  if (out !== undefined) m[name] = out;
  return m;
}

const codes = async (m: Members, options = {}) => findings(await validateMembers(m, options));

describe('validate: sound artifacts', () => {
  it('finds nothing in a sound pipeline whose model agrees with ops.json', async () => {
    const r = await validateMembers(soundPipeline());
    expect(r.diagnostics).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('finds nothing in a sound pyfunc artifact with JSON IO on a custom dtype', async () => {
    const m = structuredClone(soundPyfunc());
    expect(await codes(m)).toEqual([]);
  });
});

describe('validate: container rules', () => {
  it('PATH_TRAVERSAL for a ".." member', async () => {
    const r = await validateMembers(soundPipeline(), {}, [{ header: { name: 'ops_artifacts/../../evil.txt' }, body: 'x' }]);
    expect(findings(r)).toContain('PATH_TRAVERSAL ops_artifacts/../../evil.txt');
  });

  it('ABSOLUTE_PATH for an absolute member path', async () => {
    const r = await validateMembers(soundPipeline(), {}, [{ header: { name: '/etc/cron.d/x' }, body: 'x' }]);
    expect(findings(r)).toContain('ABSOLUTE_PATH /etc/cron.d/x');
  });

  it('MEMBER_LINK for a symbolic link and MEMBER_SPECIAL for a fifo', async () => {
    const r = await validateMembers(soundPipeline(), {}, [
      { header: { name: 'link', type: 'symlink', linkname: '/etc/passwd' } },
      { header: { name: 'pipe', type: 'fifo' } },
    ]);
    expect(findings(r)).toEqual(['MEMBER_LINK link', 'MEMBER_SPECIAL pipe']);
    expect(r.valid).toBe(false);
  });

  it('resolves repeated names last-wins before any rule runs (MEMBER_REPEATED is only a note)', async () => {
    const broken = pipelineWith('ops.json', () => '{not json');
    const r = await validateMembers(broken, {}, [{ header: { name: 'ops.json' }, body: soundPipeline()['ops.json'] }]);
    expect(findings(r)).toEqual(['MEMBER_REPEATED ops.json']);
    expect(r.valid).toBe(true);
  });

  it('notes MANIFEST_NOT_FIRST when another member leads the archive', async () => {
    const { ['manifest.json']: manifest, ...rest } = soundPipeline();
    const r = await validateMembers({ ...rest, 'manifest.json': manifest });
    expect(findings(r)).toEqual(['MANIFEST_NOT_FIRST manifest.json']);
    expect(r.valid).toBe(true);
  });

  it('reports bytes that are not a tar as a broken artifact, not a crash', async () => {
    const r = await validate(new MemorySource(new TextEncoder().encode('hello, this is not a tar archive'.repeat(20))));
    expect(r.valid).toBe(false);
    expect(findings(r)).toEqual(['NOT_A_TAR -']);
  });
});

describe('validate: root files', () => {
  it('ROOT_FILE_MISSING for a missing ops.json', async () => {
    const m = soundPipeline();
    delete m['ops.json'];
    expect(await codes(m)).toContain('ROOT_FILE_MISSING ops.json');
  });

  it('ROOT_FILE_OMITTED (a warning) for a missing env.json', async () => {
    const m = soundPipeline();
    delete m['env.json'];
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['ROOT_FILE_OMITTED env.json']);
    expect(r.valid).toBe(true);
    expect((await validateMembers(m, { strict: true })).valid).toBe(false);
  });

  it('JSON_INVALID for a root file that does not parse', async () => {
    expect(await codes(pipelineWith('dtypes.json', () => '{"a": '))).toEqual(['JSON_INVALID dtypes.json']);
  });

  it('ROOT_FILE_TYPE for ops.json wrapped in an object and a meta.json that is not an array', async () => {
    expect(await codes(pipelineWith('ops.json', (ops) => ({ ops })))).toContain('ROOT_FILE_TYPE ops.json');
    expect(await codes(pipelineWith('meta.json', () => ({})))).toEqual(['ROOT_FILE_TYPE meta.json']);
  });

  it('reports a JSON member over the size limit with LIMIT_EXCEEDED', async () => {
    const r = await validateMembers(soundPipeline(), { limits: { maxJsonMember: 64 } });
    expect(findings(r)).toContain('LIMIT_EXCEEDED manifest.json');
  });
});

describe('validate: dtypes.json', () => {
  it('DTYPE_NAME_BRACKET, DTYPE_NAME_RESERVED, and a DTYPE_NAME_PREFIX note', async () => {
    const r = await validateMembers(pipelineWith('dtypes.json', () => ({ 'ext::a[': {}, float: {}, mine: {} })));
    expect(findings(r)).toEqual([
      'DTYPE_NAME_BRACKET dtypes.json /ext::a[',
      'DTYPE_NAME_RESERVED dtypes.json /float',
      'DTYPE_NAME_PREFIX dtypes.json /mine',
    ]);
    expect(r.diagnostics[2]!.severity).toBe('info');
  });

  it('accepts custom dtypes carrying draft-04 and draft-07 $schema URLs and keywords outside the subset', async () => {
    const dtypes = {
      'ext::four': {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        required: ['hello'],
        properties: { hello: { type: 'string' } },
      },
      'ext::seven': {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'T',
        examples: [1],
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 10,
      },
      'ext::old': { $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 0, exclusiveMinimum: true },
    };
    expect(await codes(pipelineWith('dtypes.json', () => dtypes))).toEqual([]);
  });

  it('DTYPE_SCHEMA_INVALID for a subset keyword of the wrong form, an unresolved $ref and a bad pattern', async () => {
    const dtypes = {
      'ext::a': { type: 'float' },
      'ext::b': { $defs: { x: { type: 'string' } }, properties: { y: { $ref: '#/$defs/z' } } },
      'ext::c': { type: 'string', pattern: '([a-z' },
      'ext::d': { $ref: '#/definitions/x' },
    };
    expect(await codes(pipelineWith('dtypes.json', () => dtypes))).toEqual([
      'DTYPE_SCHEMA_INVALID dtypes.json /ext::a/type',
      'DTYPE_SCHEMA_INVALID dtypes.json /ext::b/properties/y/$ref',
      'DTYPE_SCHEMA_INVALID dtypes.json /ext::c/pattern',
      'DTYPE_SCHEMA_INVALID dtypes.json /ext::d/$ref',
    ]);
  });

  it('DTYPE_UNDEFINED for an NDContainer naming a custom dtype dtypes.json lacks', async () => {
    const m = pipelineWith('manifest.json', (mf) => void (mf.inputs[0].dtype = 'NDContainer[ext::nope]'));
    expect(await codes(m)).toContain('DTYPE_UNDEFINED manifest.json /inputs/0/dtype');
  });
});

describe('validate: ops.json', () => {
  it('OP_SCHEMA for an op instance missing a key', async () => {
    expect(await codes(pipelineWith('ops.json', (ops) => void delete ops[0].attributes))).toContain('OP_SCHEMA ops.json /0/attributes');
  });

  it('OP_ID_UNSAFE for an id outside [a-zA-Z0-9_]', async () => {
    const m = pipelineWith('ops.json', (ops) => void (ops[0].id = '../x'));
    m['variant_config.json'] = { nodes: [{ op_instance_id: '../x', inputs: ['x'], outputs: ['y'], extra_dynattrs: {} }] };
    expect(await codes(m)).toEqual(['OP_ID_UNSAFE ops.json /0/id']);
  });

  it('OP_ID_DUPLICATE for two op instances with one id', async () => {
    expect(await codes(pipelineWith('ops.json', (ops) => [...ops, ops[0]]))).toContain('OP_ID_DUPLICATE ops.json /1/id');
  });

  it('OP_DYNATTR_INCOMPLETE for a dynamic attribute without default_value', async () => {
    const m = pipelineWith('ops.json', (ops) => void (ops[0].dynamic_attributes = { k: { name: 'n' } }));
    expect(await codes(m)).toEqual(['OP_DYNATTR_INCOMPLETE ops.json /0/dynamic_attributes/k/default_value']);
  });

  it('OP_UNSUPPORTED names an unknown op type as a warning, an error under --strict', async () => {
    const m = pipelineWith('ops.json', (ops) => void (ops[0].op = 'TestOp'));
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['OP_UNSUPPORTED ops.json /0/op']);
    expect(r.diagnostics[0]!.message).toContain('"TestOp"');
    expect(r.valid).toBe(true);
    const strict = await validateMembers(m, { strict: true });
    expect(strict.valid).toBe(false);
    expect(strict.diagnostics[0]!.severity).toBe('error');
  });

  it('checks op port dtypes with the dtype grammar', async () => {
    expect(await codes(pipelineWith('ops.json', (ops) => void (ops[0].outputs[0].dtype = 'Array[float32')))).toContain(
      'DTYPE_SYNTAX ops.json /0/outputs/0/dtype',
    );
  });
});

describe('validate: pipeline variant', () => {
  const config = (nodes: Obj[]) => pipelineWith('variant_config.json', () => ({ nodes }));
  const node = (over: Obj = {}) => ({ op_instance_id: 'reg', inputs: ['x'], outputs: ['y'], extra_dynattrs: {}, ...over });

  it('PIPELINE_CONFIG_SCHEMA for a node missing extra_dynattrs', async () => {
    const n: Obj = node();
    delete n.extra_dynattrs;
    expect(await codes(config([n]))).toEqual(['PIPELINE_CONFIG_SCHEMA variant_config.json /nodes/0/extra_dynattrs']);
  });

  it('PIPELINE_OP_UNRESOLVED for a node naming no op instance', async () => {
    expect(await codes(config([node(), node({ op_instance_id: 'ghost', outputs: ['z'] })]))).toContain(
      'PIPELINE_OP_UNRESOLVED variant_config.json /nodes/1/op_instance_id',
    );
  });

  it('PIPELINE_ARITY when a node binds more inputs than its op declares', async () => {
    expect(await codes(config([node({ inputs: ['x', 'x'] })]))).toEqual(['PIPELINE_ARITY variant_config.json /nodes/0/inputs']);
  });

  it('PIPELINE_UNBOUND_INPUT when nodes are not in execution order', async () => {
    const m = config([node({ inputs: ['h'], outputs: ['y'] }), node({ inputs: ['x'], outputs: ['h'] })]);
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['PIPELINE_UNBOUND_INPUT variant_config.json /nodes/0/inputs/0']);
    expect(r.diagnostics[0]!.message).toContain('later node');
  });

  it('PIPELINE_NAME_REBOUND when a node binds a model input name', async () => {
    expect(await codes(config([node(), node({ outputs: ['x'] })]))).toEqual([
      'PIPELINE_NAME_REBOUND variant_config.json /nodes/1/outputs/0',
    ]);
  });

  it('PIPELINE_OUTPUT_UNBOUND when no node binds a manifest output', async () => {
    expect(await codes(config([node({ outputs: ['z'] })]))).toEqual(['PIPELINE_OUTPUT_UNBOUND variant_config.json /nodes']);
  });

  it('PIPELINE_JSON_IO for a JSON input on a pipeline', async () => {
    const m = pipelineWith('manifest.json', (mf) => void mf.inputs.push({ name: 'doc', content_type: 'JSON', dtype: 'ext::doc' }));
    m['dtypes.json'] = { 'ext::doc': {} };
    expect(await codes(m)).toEqual(['PIPELINE_JSON_IO manifest.json /inputs/1/content_type']);
  });

  it('PIPELINE_VARIANT_ARTIFACTS warns about files under variant_artifacts/, an error under --strict', async () => {
    const m = { ...soundPipeline(), 'variant_artifacts/,keep': '' };
    expect((await validateMembers(m)).valid).toBe(true);
    expect(findings(await validateMembers(m))).toEqual(['PIPELINE_VARIANT_ARTIFACTS variant_artifacts/,keep']);
    expect((await validateMembers(m, { strict: true })).valid).toBe(false);
  });

  it('notes PIPELINE_OP_UNUSED for an op no node references', async () => {
    const m = pipelineWith('ops.json', (ops) => [...ops, { ...ops[0], id: 'spare' }]);
    m['ops_artifacts/spare/model.onnx'] = m['ops_artifacts/reg/model.onnx'];
    expect(await codes(m)).toEqual(['PIPELINE_OP_UNUSED ops.json']);
  });
});

describe('validate: pyfunc and other variants', () => {
  it('PYFUNC_ENTRY_MISSING without variant_artifacts/__pyfunc__.py', async () => {
    const m = soundPyfunc();
    delete m['variant_artifacts/__pyfunc__.py'];
    expect(await codes(m)).toEqual(['PYFUNC_ENTRY_MISSING variant_artifacts/__pyfunc__.py']);
  });

  it('PYFUNC_CONFIG_SCHEMA without pyfunc_classname', async () => {
    expect(await codes({ ...soundPyfunc(), 'variant_config.json': { extra_values: null } })).toEqual([
      'PYFUNC_CONFIG_SCHEMA variant_config.json /pyfunc_classname',
    ]);
  });

  it('VARIANT_UNSUPPORTED names an unknown variant (warning; error under --strict)', async () => {
    const m = pipelineWith('manifest.json', (mf) => void (mf.variant = 'graph_v9'));
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['VARIANT_UNSUPPORTED manifest.json /variant']);
    expect(r.diagnostics[0]!.message).toContain('"graph_v9"');
    expect((await validateMembers(m, { strict: true })).valid).toBe(false);
  });
});

describe('validate: env.json', () => {
  it('ENV_SCHEMA for a python3::conda_pip description without dependencies', async () => {
    const m = { ...soundPyfunc(), 'env.json': { 'python3::conda_pip': { python_version: '3.11', build_dependencies: [] } } };
    expect(await codes(m)).toEqual(['ENV_SCHEMA env.json /python3::conda_pip/dependencies']);
  });

  it('ENV_KIND_UNSUPPORTED names an unknown environment kind', async () => {
    expect(await codes(pipelineWith('env.json', () => ({ 'docker::image': {} })))).toEqual([
      'ENV_KIND_UNSUPPORTED env.json /docker::image',
    ]);
  });
});

describe('validate: metadata', () => {
  const entry = (over: Obj = {}) => ({ id: 'e1', producer: 'p', producer_version: '1', producer_tags: [], payload: {}, ...over });

  it('accepts conforming entries in meta.json and a sidecar', async () => {
    const m = {
      ...pipelineWith('meta.json', () => [entry()]),
      'meta-0123.json': [entry({ id: 'e2' })],
      'meta_artifacts/e2/card.zip': 'zip',
    };
    expect(await codes(m)).toEqual([]);
  });

  it('META_ENTRY_INCOMPLETE for an entry missing producer_version', async () => {
    const e: Obj = entry();
    delete e.producer_version;
    expect(await codes(pipelineWith('meta.json', () => [e]))).toEqual(['META_ENTRY_INCOMPLETE meta.json /0/producer_version']);
  });

  it("META_ENTRY_LEGACY warns about the registry SDK's {id, tags, payload} shape", async () => {
    const m = {
      ...soundPipeline(),
      'meta-8f3a.json': [{ id: 'dataforce.studio~c~~c~model_card~c~v1~~et~~8f3a', tags: ['x'], payload: {} }],
    };
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['META_ENTRY_LEGACY meta-8f3a.json /0']);
    expect(r.valid).toBe(true);
    expect((await validateMembers(m, { strict: true })).valid).toBe(false);
  });

  it('META_ID_UNSAFE (error) for an id that is not path-safe yet owns meta_artifacts files', async () => {
    const m = { ...pipelineWith('meta.json', () => [entry({ id: 'a/b' })]), 'meta_artifacts/a/b/x.txt': 'x' };
    const r = await validateMembers(m);
    expect(findings(r)).toEqual(['META_ID_UNSAFE meta.json /0/id']);
    expect(r.valid).toBe(false);
  });

  for (const id of ['a\\b', 'a\\b\\c']) {
    it(`META_ID_UNSAFE for ${JSON.stringify(id)} owning a folder: exactly what append-meta refuses (isPathSafeId)`, async () => {
      expect(isPathSafeId(id)).toBe(false);
      const m = { ...pipelineWith('meta.json', () => [entry({ id })]), [`meta_artifacts/${id}/x.txt`]: 'x' };
      const r = await validateMembers(m);
      expect(r.diagnostics.map((d) => d.code)).toContain('META_ID_UNSAFE');
      expect(r.valid).toBe(false);
    });
  }

  it('META_ID_DUPLICATE (error) for two entries sharing an id that owns a folder', async () => {
    const m = { ...pipelineWith('meta.json', () => [entry(), entry()]), 'meta_artifacts/e1/x.txt': 'x' };
    expect(await codes(m)).toEqual(['META_ID_DUPLICATE meta.json /1/id']);
  });

  it('reports a sidecar that does not parse or is not an array as an error', async () => {
    expect(await codes({ ...soundPipeline(), 'meta-a.json': '[', 'meta-b.json': { id: 1 } })).toEqual([
      'JSON_INVALID meta-a.json',
      'ROOT_FILE_TYPE meta-b.json',
    ]);
  });
});

describe('validate: manifest patches', () => {
  const patch = (ops: unknown) => ({ ...soundPipeline(), 'manifest-0001.patch.json': ops });

  it('accepts an add patch and checks the effective manifest', async () => {
    expect(await codes(patch([{ op: 'add', path: '/producer_tags/-', value: 'x::y' }]))).toEqual([]);
  });

  it('PATCH_OP_NOT_ALLOWED for a remove', async () => {
    expect(await codes(patch([{ op: 'remove', path: '/description' }]))).toEqual(['PATCH_OP_NOT_ALLOWED manifest-0001.patch.json /0/op']);
  });

  it('PATCH_INVALID for a relative pointer or a document that is not an array', async () => {
    expect(await codes(patch([{ op: 'add', path: 'name', value: 'n' }]))).toEqual(['PATCH_INVALID manifest-0001.patch.json /0/path']);
    expect(await codes(patch({ op: 'add' }))).toEqual(['PATCH_INVALID manifest-0001.patch.json']);
  });

  it('PATCH_NOT_APPLICABLE for a pointer into nothing', async () => {
    expect(await codes(patch([{ op: 'replace', path: '/nothing/here', value: 1 }]))).toEqual([
      'PATCH_NOT_APPLICABLE manifest-0001.patch.json',
    ]);
  });

  it('PATCH_RESULT_INVALID when the patched manifest breaks a rule', async () => {
    const r = await validateMembers(patch([{ op: 'replace', path: '/producer_tags', value: 'not-an-array' }]));
    expect(findings(r)).toEqual(['PATCH_RESULT_INVALID manifest-0001.patch.json /producer_tags']);
  });

  it('applies patches in byte order of name: a later replace fixes an earlier one', async () => {
    const m = {
      ...soundPipeline(),
      'manifest-b.patch.json': [{ op: 'replace', path: '/producer_tags', value: [] }],
      'manifest-a.patch.json': [{ op: 'replace', path: '/producer_tags', value: 7 }],
    };
    expect(await codes(m)).toEqual([]);
  });
});
