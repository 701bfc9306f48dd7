import type { ArtifactContents } from './reader.js';

/** The machine-readable view `inspect --json` prints; stable keys in snake_case like the files. */
export function inspectReport(a: ArtifactContents, label: string) {
  return {
    source: label,
    manifest: a.manifest,
    patches: a.patches,
    ops: a.ops,
    variant_config: a.variantConfig,
    dtypes: a.dtypes,
    env: a.env,
    metadata: a.metadata.map((m) => ({
      ...m.entry,
      _source: { member: m.member, index: m.index, conforms: m.conforms, legacy: m.legacy },
    })),
    metrics: a.metrics,
    file_index: a.fileIndex,
    members: a.members.map((m) => ({ name: m.name, kind: m.kind, size: m.size })),
    warnings: a.warnings,
  };
}
