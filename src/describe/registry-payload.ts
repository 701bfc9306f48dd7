import type { Descriptor } from './descriptor.js';

/**
 * The registry's create call, in its two API generations: the seeds' `model_artifacts.create`
 * takes the descriptor as it is (`metrics`); the current generic `artifacts.create` takes the same
 * fields with `metrics` renamed `extra_values` and `type: "model"`.
 */
export type RegistryApi = 'models' | 'artifacts';

export const REGISTRY_APIS: readonly RegistryApi[] = ['models', 'artifacts'];

export type ArtifactsCreatePayload = Omit<Descriptor, 'metrics'> & { type: 'model'; extra_values: Descriptor['metrics'] };

export function registryPayload(descriptor: Descriptor, api: RegistryApi): Descriptor | ArtifactsCreatePayload {
  if (api === 'models') return descriptor;
  const { metrics, ...rest } = descriptor;
  return { ...rest, type: 'model', extra_values: metrics };
}
