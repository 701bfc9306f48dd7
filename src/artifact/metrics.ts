import { isObject, type Json } from './json-member.js';
import type { ReadMetaEntry } from './metadata.js';

const TABULAR_TASKS = ['dataforce.studio::tabular_classification:v1', 'dataforce.studio::tabular_regression:v1'];
const TABULAR_METRICS = ['falcon.beastbyte.ai::tabular_classification_metrics:v1', 'falcon.beastbyte.ai::tabular_regression_metrics:v1'];
const REGISTRY_METRICS = 'dataforce.studio::registry_metrics:v1';

type JsonObject = { [key: string]: Json };

/** `metrics` exactly as the registry's client computes it (see the README, "Metrics and model cards in the registry"). */
export function registryMetrics(producerTags: readonly string[], metadata: readonly ReadMetaEntry[]): JsonObject {
  if (producerTags.some((t) => TABULAR_TASKS.includes(t))) {
    const found = tabularMetrics(metadata);
    if (found) return found;
  }
  const entry = metadata.find((m) => m.tags.includes(REGISTRY_METRICS));
  if (entry) {
    const payload = entry.entry.payload;
    if (isObject(payload) && Object.keys(payload).length > 0) {
      return isObject(payload.metrics) ? payload.metrics : {};
    }
  }
  return {};
}

function tabularMetrics(metadata: readonly ReadMetaEntry[]): JsonObject | undefined {
  const entry = metadata.find((m) => m.tags.some((t) => TABULAR_METRICS.includes(t)));
  if (!entry) return undefined;
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
