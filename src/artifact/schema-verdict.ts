/**
 * The raw failures of a validator compiled from schemas/*.json (scripts/compile-schemas.mjs).
 * Here, below validate/, so the reader and the writers check a metadata entry or a patch by the
 * very schema `validate` uses (src/validate/generated/shapes.ts): one shape, written once.
 */

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** What keeps `value` from the validator's schema (empty when it conforms). */
export function schemaFailures(validate: (data: unknown) => boolean, value: unknown): AjvError[] {
  if (validate(value)) return [];
  return withoutNoise((validate as CompiledValidator).errors ?? []);
}

/**
 * ajv reports an `if` failure besides the real finding, and every failed branch of an `anyOf`
 * (at that value or inside it): keep only the one `anyOf` finding there.
 */
function withoutNoise(errors: AjvError[]): AjvError[] {
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // The pointer and each of its ancestors, looked up in a set: linear in the errors, not quadratic.
  const inside = (e: AjvError) => {
    if (anyOfAt.size === 0) return false;
    for (let p = e.instancePath; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (anyOfAt.has(p)) return true;
      if (p === '') return false;
    }
  };
  return errors.filter((e) => e.keyword !== 'if' && (e.keyword === 'anyOf' || !inside(e)));
}
