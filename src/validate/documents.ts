/**
 * The format's documents as types that hold: a value is a Manifest, Ops, MetaEntry, ... once it
 * has passed that schema (the validators compiled from schemas/, src/validate/generated/), never
 * by a cast. readArtifact types what it read as JSON; these turn it into a document.
 */
import type { DiagnosticCode } from '../codes.js';
import { DTYPES, ENV, MANIFEST, META, OPS, VARIANT_CONFIG } from '../artifact/root-files.js';
import type {
  CondaPipEnv,
  DtypeSchema,
  Manifest,
  ManifestPatch,
  MetaEntry,
  OnnxV1Attributes,
  OpInstance,
  Ops,
  PipelineConfig,
  PyfuncConfig,
} from '../types/generated/index.js';
import type { Diagnostic, Place } from './diagnostics.js';
import { checkSchema, conforms } from './schema-check.js';

/** Each document kind (named as its compiled schema) and the type a value of it has. */
export interface DocumentTypes {
  manifest: Manifest;
  manifestPatch: ManifestPatch;
  ops: Ops;
  opInstance: OpInstance;
  metaEntry: MetaEntry;
  variantPipeline: PipelineConfig;
  variantPyfunc: PyfuncConfig;
  envPython3CondaPip: CondaPipEnv;
  dtypeSchema: DtypeSchema;
  onnxV1Attributes: OnnxV1Attributes;
}

export type DocumentKind = keyof DocumentTypes;

/** The code and member validate() gives a schema finding of each kind: one fact, one code. */
const FINDING: { [K in DocumentKind]: { code: DiagnosticCode; member: string | null } } = {
  manifest: { code: 'MANIFEST_SCHEMA', member: MANIFEST },
  // A patch's member name is its own (manifest-<id>.patch.json): the caller passes it in `at`.
  manifestPatch: { code: 'PATCH_INVALID', member: null },
  ops: { code: 'OP_SCHEMA', member: OPS },
  opInstance: { code: 'OP_SCHEMA', member: OPS },
  metaEntry: { code: 'META_ENTRY_INCOMPLETE', member: META },
  variantPipeline: { code: 'PIPELINE_CONFIG_SCHEMA', member: VARIANT_CONFIG },
  variantPyfunc: { code: 'PYFUNC_CONFIG_SCHEMA', member: VARIANT_CONFIG },
  envPython3CondaPip: { code: 'ENV_SCHEMA', member: ENV },
  dtypeSchema: { code: 'DTYPE_SCHEMA_INVALID', member: DTYPES },
  onnxV1Attributes: { code: 'ONNX_ATTRIBUTES_SCHEMA', member: OPS },
};

/** Whether `value` passes the schema of `kind`, narrowing it to that document's type. */
export function isDocument<K extends DocumentKind>(kind: K, value: unknown): value is DocumentTypes[K] {
  return conforms(kind, value);
}

/**
 * `value` checked against the schema of `kind`: the value as that document's type, or the schema
 * findings (validate()'s codes, pointers from `at`) and no value. A finding, not a throw: a caller
 * shows it the way validate's findings are shown, and nothing in the shape of the input throws.
 */
export type DocumentCheck<K extends DocumentKind> =
  { ok: true; document: DocumentTypes[K]; findings: [] } | { ok: false; findings: Diagnostic[] };

export function checkDocument<K extends DocumentKind>(kind: K, value: unknown, at?: Place): DocumentCheck<K> {
  // The compiled validator's own verdict decides: findings are its errors, reworded.
  if (isDocument(kind, value)) return { ok: true, document: value, findings: [] };
  const { code, member } = FINDING[kind];
  return { ok: false, findings: checkSchema(kind, value, at ?? { member, pointer: '' }, code) };
}
