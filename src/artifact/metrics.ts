import { isObject, type Json, type JsonObject } from './json-member.js';
import type { ReadMetaEntry } from './metadata.js';

const TABULAR_TASKS = ['dataforce.studio::tabular_classification:v1', 'dataforce.studio::tabular_regression:v1'];
const TABULAR_METRICS = ['falcon.beastbyte.ai::tabular_classification_metrics:v1', 'falcon.beastbyte.ai::tabular_regression_metrics:v1'];
const REGISTRY_METRICS = 'dataforce.studio::registry_metrics:v1';

/** `metrics` exactly as the registry's client computes it (see the README, "Metrics and model cards in the registry"). */
/**
 * Whether `registryMetrics` could ever look at this entry: a reader that wants only the metrics
 * (describe) keeps just these, and gets the same answer from them, since each rule takes the
 * first entry with one of these tags.
 */
export function mayHoldMetrics(entry: ReadMetaEntry): boolean {
  return entry.tags.some((t) => t === REGISTRY_METRICS || TABULAR_METRICS.includes(t));
}

export function registryMetrics(producerTags: readonly string[], metadata: readonly ReadMetaEntry[]): JsonObject {
  return metricsSource(producerTags, metadata)?.metrics ?? {};
}

/** The entry the registry takes `metrics` from, and what it takes; undefined when it shows none. */
export function metricsSource(
  producerTags: readonly string[],
  metadata: readonly ReadMetaEntry[],
): { entry: ReadMetaEntry; metrics: JsonObject } | undefined {
  if (producerTags.some((t) => TABULAR_TASKS.includes(t))) {
    const entry = metadata.find((m) => m.tags.some((t) => TABULAR_METRICS.includes(t)));
    const metrics = entry && tabularMetrics(entry);
    if (entry && metrics) return { entry, metrics };
  }
  const entry = metadata.find((m) => m.tags.includes(REGISTRY_METRICS));
  const payload = entry?.entry.payload;
  if (entry && isObject(payload) && Object.keys(payload).length > 0) {
    return { entry, metrics: isObject(payload.metrics) ? payload.metrics : {} };
  }
  return undefined;
}

/** The metrics tags whose entries the registry's client looks up by "the first entry carrying one of them". */
const METRICS_GROUPS: readonly (readonly string[])[] = [[REGISTRY_METRICS], TABULAR_METRICS];

/** A metrics entry no reader will use: an earlier entry carries a tag of the same kind. */
export interface IgnoredMetrics {
  ignored: ReadMetaEntry;
  /** The earlier entry readers take instead. */
  by: ReadMetaEntry;
  tag: string;
}

/**
 * Every metrics entry after the first of its kind, in one pass: the registry's client (and
 * inspect, describe) take the first, so appending a second one never changes the metrics shown.
 */
export function ignoredMetrics(metadata: readonly ReadMetaEntry[]): IgnoredMetrics[] {
  const first = new Map<readonly string[], ReadMetaEntry>();
  const out: IgnoredMetrics[] = [];
  for (const m of metadata) {
    for (const group of METRICS_GROUPS) {
      const tag = m.tags.find((t) => group.includes(t));
      if (tag === undefined) continue;
      const by = first.get(group);
      if (by) out.push({ ignored: m, by, tag });
      else first.set(group, m);
    }
  }
  return out;
}

function tabularMetrics(entry: ReadMetaEntry): JsonObject | undefined {
  const payload = entry.entry.payload;
  const performance = isObject(payload) && isObject(payload.metrics) ? payload.metrics.performance : undefined;
  if (!isObject(performance) || Object.keys(performance).length === 0) return undefined;
  const pick = nonEmpty(performance.eval_holdout) ?? nonEmpty(performance.eval_cv) ?? {};
  const { N_SAMPLES: _dropped, ...rest } = pick;
  return rest;
}

function nonEmpty(v: Json | undefined): JsonObject | undefined {
  return isObject(v) && Object.keys(v).length > 0 ? v : undefined;
}
