/** Artifacts for validator tests, built in code: a member map → a tar (tar-stream) or a directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { MemorySource } from '../../src/source/memory-source.js';
import { validate, type ValidateOptions, type ValidationReport } from '../../src/validate/validate.js';
import { encodeModel, modelSpec } from './onnx-model.mjs';
import { tempDir } from './paths.js';

/** Member name → content: objects and arrays become JSON, strings text, bytes stay bytes. */
export type Members = Record<string, unknown>;

export function io(name: string, dtype = 'Array[float32]', shape: Array<number | string> = ['batch', 3]) {
  return { name, content_type: 'NDJSON', dtype, shape };
}

export function onnxOp(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    op: 'ONNX_v1',
    inputs: [{ dtype: 'Array[float32]', shape: ['batch', 3] }],
    outputs: [{ dtype: 'Array[float32]', shape: ['batch', 1] }],
    attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 8 },
    dynamic_attributes: {},
    ...over,
  };
}

/** A sound one-node pipeline whose ONNX model agrees with its declarations. */
export function soundPipeline(): Members {
  return {
    'manifest.json': {
      variant: 'pipeline',
      producer_name: 'tests',
      producer_version: '1.0.0',
      producer_tags: [],
      inputs: [io('x')],
      outputs: [io('y', 'Array[float32]', ['batch', 1])],
      dynamic_attributes: [],
      env_vars: [],
    },
    'ops.json': [onnxOp('reg')],
    'variant_config.json': { nodes: [{ op_instance_id: 'reg', inputs: ['x'], outputs: ['y'], extra_dynattrs: {} }] },
    'dtypes.json': {},
    'env.json': {},
    'meta.json': [],
    'ops_artifacts/reg/model.onnx': encodeModel(modelSpec()),
  };
}

/** A sound pyfunc artifact with JSON IO on a custom dtype. */
export function soundPyfunc(): Members {
  return {
    'manifest.json': {
      variant: 'pyfunc',
      producer_name: 'tests',
      producer_version: '1.0.0',
      producer_tags: [],
      inputs: [{ name: 'doc', content_type: 'JSON', dtype: 'ext::doc' }],
      outputs: [io('y', 'NDContainer[ext::doc]', [2])],
      dynamic_attributes: [],
      env_vars: [],
    },
    'ops.json': [],
    'variant_config.json': { pyfunc_classname: 'Model' },
    'dtypes.json': { 'ext::doc': { type: 'object', properties: { a: { type: 'string' } } } },
    'env.json': { 'python3::conda_pip': { python_version: '3.11', build_dependencies: [], dependencies: [{ package: 'numpy==2.0.0' }] } },
    'meta.json': [],
    'variant_artifacts/__pyfunc__.py': 'class Model: pass\n',
  };
}

export function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The members as a tar, in map order; `extra` headers (links, devices, repeats) go at the end. */
/** A tar-stream header: name plus whatever else the entry needs (type, linkname...). */
export type EntryHeader = Parameters<ReturnType<typeof tarPack>['entry']>[0];

export async function tarOf(members: Members, extra: Array<{ header: EntryHeader; body?: unknown }> = []): Promise<Uint8Array> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, value] of Object.entries(members)) pack.entry({ name }, Buffer.from(bytesOf(value)));
  for (const { header, body } of extra) {
    if (body === undefined) pack.entry(header);
    else pack.entry(header, Buffer.from(bytesOf(body)));
  }
  pack.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

export async function validateMembers(
  members: Members,
  options: ValidateOptions = {},
  extra: Parameters<typeof tarOf>[1] = [],
): Promise<ValidationReport> {
  return validate(new MemorySource(await tarOf(members, extra), 'test.fnnx'), options);
}

/** `CODE member pointer` for each finding, for compact assertions. */
export function findings(report: ValidationReport, severity?: string): string[] {
  return report.diagnostics
    .filter((d) => !severity || d.severity === severity)
    .map((d) => `${d.code} ${d.member ?? '-'} ${d.pointer}`.trimEnd());
}

export function writeDirArtifact(members: Members): string {
  const root = join(tempDir('fnnx-validate-'), 'model.fnnx');
  for (const [name, value] of Object.entries(members)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), bytesOf(value));
  }
  return root;
}
