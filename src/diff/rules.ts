/**
 * The rules `diff` classifies changes by: one row per rule, its id (kebab-case, stable: CI
 * configurations and `--json` readers name them), its kind and the sentence the rules document shows.
 * breaking: a caller or runtime that worked with the old artifact may fail with the new one.
 * compatible: the contract changed, and what worked with the old artifact still works.
 * info: descriptions, metadata, metrics, bytes: nothing a caller depends on.
 */
export type ChangeKind = 'breaking' | 'compatible' | 'info';

export type DiffArea = 'manifest' | 'inputs' | 'outputs' | 'variant' | 'ops' | 'dtypes' | 'env' | 'metadata' | 'card' | 'members';

export interface DiffRule {
  kind: ChangeKind;
  area: DiffArea;
  says: string;
}

export const DIFF_RULES = {
  'input-added': { kind: 'breaking', area: 'inputs', says: 'an input was added: callers of the old artifact do not send it' },
  'input-removed': { kind: 'breaking', area: 'inputs', says: 'an input was removed: callers still send it' },
  'input-renamed': {
    kind: 'breaking',
    area: 'inputs',
    says: 'an input at the same position, with the same content type, dtype and shape, has a new name',
  },
  'input-content-type-changed': { kind: 'breaking', area: 'inputs', says: "an input's content type (NDJSON, JSON) changed" },
  'input-dtype-changed': {
    kind: 'breaking',
    area: 'inputs',
    says: "an input's dtype changed other than by widening (Array[float32] to Array[float64], Array[int32] to Array[int64])",
  },
  'input-dtype-widened': {
    kind: 'compatible',
    area: 'inputs',
    says: "an input's dtype widened (Array[float32] to Array[float64], Array[int32] to Array[int64]): old values still fit",
  },
  'input-shape-narrowed': {
    kind: 'breaking',
    area: 'inputs',
    says: "an input's shape accepts less: a rank change, a new or different fixed extent where any was accepted",
  },
  'input-shape-widened': {
    kind: 'compatible',
    area: 'inputs',
    says: "an input's shape accepts more: only fixed extents became symbolic, or symbolic names changed",
  },
  'input-tags-changed': { kind: 'info', area: 'inputs', says: "an input's tags changed" },
  'output-added': { kind: 'compatible', area: 'outputs', says: 'an output was added: callers that do not read it are unaffected' },
  'output-removed': { kind: 'breaking', area: 'outputs', says: 'an output was removed: callers still read it' },
  'output-renamed': {
    kind: 'breaking',
    area: 'outputs',
    says: 'an output at the same position, with the same content type, dtype and shape, has a new name',
  },
  'output-content-type-changed': { kind: 'breaking', area: 'outputs', says: "an output's content type changed" },
  'output-dtype-changed': { kind: 'breaking', area: 'outputs', says: "an output's dtype changed" },
  'output-shape-changed': { kind: 'breaking', area: 'outputs', says: "an output's shape changed" },
  'output-tags-changed': { kind: 'info', area: 'outputs', says: "an output's tags changed" },
  'variant-changed': {
    kind: 'breaking',
    area: 'variant',
    says: 'the variant (pipeline, pyfunc, ...) changed: the runtime that serves it changes',
  },
  'variant-config-changed': {
    kind: 'compatible',
    area: 'variant',
    says: "variant_config.json changed (pipeline nodes, pyfunc class): the model's inside, not its IO",
  },
  'dynamic-attribute-added': { kind: 'compatible', area: 'manifest', says: 'a dynamic attribute was added: callers may set it' },
  'dynamic-attribute-removed': { kind: 'breaking', area: 'manifest', says: 'a dynamic attribute was removed: callers that set it fail' },
  'env-var-added': { kind: 'breaking', area: 'manifest', says: 'an environment variable was added: deployments must provide it' },
  'env-var-removed': {
    kind: 'compatible',
    area: 'manifest',
    says: 'an environment variable was removed: deployments may stop providing it',
  },
  'manifest-info-changed': {
    kind: 'info',
    area: 'manifest',
    says: 'name, version, description, producer or producer tags changed; a var or attribute description changed',
  },
  'op-added': { kind: 'compatible', area: 'ops', says: 'an op instance of a type the old artifact already used was added' },
  'op-type-added': {
    kind: 'breaking',
    area: 'ops',
    says: 'an op of a type the old artifact did not use was added: the runtime must implement it',
  },
  'op-removed': { kind: 'compatible', area: 'ops', says: 'an op instance was removed' },
  'op-type-changed': {
    kind: 'breaking',
    area: 'ops',
    says: "an op instance's type (ONNX_v1, ...) changed: the runtime must implement the new one",
  },
  'op-io-changed': {
    kind: 'compatible',
    area: 'ops',
    says: "an op instance's inputs or outputs changed (the manifest's IO is what callers see)",
  },
  'op-opset-raised': {
    kind: 'breaking',
    area: 'ops',
    says: "an op's opset in a domain rose, or a domain was added: the runtime must support it",
  },
  'op-opset-lowered': { kind: 'compatible', area: 'ops', says: "an op's opset in a domain fell, or a domain was dropped" },
  'op-ir-version-raised': { kind: 'breaking', area: 'ops', says: "an op's ONNX IR version rose: older runtimes refuse the model" },
  'op-ir-version-lowered': { kind: 'compatible', area: 'ops', says: "an op's ONNX IR version fell" },
  'op-external-data-changed': { kind: 'compatible', area: 'ops', says: 'an op moved to or from ONNX external data' },
  'op-attributes-changed': {
    kind: 'info',
    area: 'ops',
    says: "an op's other attributes or dynamic attributes changed (used_operators, defaults)",
  },
  'dtype-added': { kind: 'compatible', area: 'dtypes', says: 'a custom dtype was added' },
  'dtype-removed': { kind: 'breaking', area: 'dtypes', says: 'a custom dtype was removed' },
  'dtype-changed': { kind: 'breaking', area: 'dtypes', says: "a custom dtype's JSON Schema changed: values valid before may not be" },
  'env-kind-added': { kind: 'breaking', area: 'env', says: 'an environment kind was added: the runtime must provide it' },
  'env-kind-removed': { kind: 'compatible', area: 'env', says: 'an environment kind was removed' },
  'env-changed': {
    kind: 'compatible',
    area: 'env',
    says: "an environment's description changed (Python version, dependencies): the runtime rebuilds it",
  },
  'meta-entry-added': { kind: 'info', area: 'metadata', says: 'a metadata entry was added' },
  'meta-entry-removed': { kind: 'info', area: 'metadata', says: 'a metadata entry was removed' },
  'meta-entry-changed': { kind: 'info', area: 'metadata', says: 'a metadata entry with the same id has other contents' },
  'metric-changed': { kind: 'info', area: 'metadata', says: "a registry metric's value changed (before and after shown)" },
  'metric-added': { kind: 'info', area: 'metadata', says: 'a registry metric was added' },
  'metric-removed': { kind: 'info', area: 'metadata', says: 'a registry metric was removed' },
  'card-added': { kind: 'info', area: 'card', says: 'the artifact now has a model card' },
  'card-removed': { kind: 'info', area: 'card', says: 'the artifact no longer has a model card' },
  'card-changed': { kind: 'info', area: 'card', says: 'the newest model card changed (by path or size; by content with --content)' },
  'member-added': { kind: 'info', area: 'members', says: 'a member (file) was added' },
  'member-removed': { kind: 'info', area: 'members', says: 'a member was removed' },
  'member-changed': { kind: 'info', area: 'members', says: "a member's size changed, or with --content its SHA-256" },
} as const satisfies Record<string, DiffRule>;

export type DiffRuleId = keyof typeof DIFF_RULES;

/** Areas in the order the text report and the docs list them. */
export const DIFF_AREAS: readonly DiffArea[] = [
  'inputs',
  'outputs',
  'manifest',
  'variant',
  'ops',
  'dtypes',
  'env',
  'metadata',
  'card',
  'members',
];

export const KIND_ORDER: readonly ChangeKind[] = ['breaking', 'compatible', 'info'];
