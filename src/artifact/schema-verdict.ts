/**
 * The verdict of a validator compiled from schemas/*.json (scripts/compile-schemas.mjs), and its
 * raw failures. Here, below validate/, so the reader and the writers check a metadata entry or a
 * patch by the very schema `validate` uses: one shape, written once.
 */
import * as compiled from '../validate/generated/schemas.js';

export type SchemaName = keyof typeof compiled;

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

/** Whether `value` conforms to one of our schemas: the compiled validator's verdict. */
export function conforms(name: SchemaName, value: unknown): boolean {
  return (compiled[name] as CompiledValidator)(value);
}

/** The raw schema failures of `value` against one of our schemas (empty when it conforms). */
export function schemaErrors(name: SchemaName, value: unknown): AjvError[] {
  const validate = compiled[name] as CompiledValidator;
  if (validate(value)) return [];
  return withoutNoise(validate.errors ?? []);
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
