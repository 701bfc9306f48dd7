/**
 * Runs the validators compiled from schemas/*.json (see scripts/compile-schemas.mjs) and turns
 * ajv's error objects into diagnostics.
 */
import * as compiled from './generated/schemas.js';
import type { DiagnosticCode } from '../codes.js';
import { schemaFailures, type AjvError } from '../artifact/schema-verdict.js';
import { child, diag, type Diagnostic, type Place } from './diagnostics.js';

export type SchemaName = keyof typeof compiled;

/** Whether `value` conforms to one of our schemas: the compiled validator's verdict. */
export function conforms(name: SchemaName, value: unknown): boolean {
  return (compiled[name] as (data: unknown) => boolean)(value);
}

/** The raw schema failures of `value` against one of our schemas (empty when it conforms). */
export function schemaErrors(name: SchemaName, value: unknown): AjvError[] {
  return schemaFailures(compiled[name] as (data: unknown) => boolean, value);
}

/**
 * Diagnostics for `value` against schema `name`, pointers relative to `at`. `codeFor` may give a
 * finding a more specific code than `fallback` (e.g. a bad op id gets OP_ID_UNSAFE).
 */
export function checkSchema(
  name: SchemaName,
  value: unknown,
  at: Place,
  fallback: DiagnosticCode,
  codeFor: (e: AjvError) => DiagnosticCode | undefined = () => undefined,
): Diagnostic[] {
  return schemaErrors(name, value).map((e) => {
    const place = { member: at.member, pointer: at.pointer + e.instancePath };
    const where = e.keyword === 'required' ? child(place, String(e.params.missingProperty)) : place;
    return diag(codeFor(e) ?? fallback, 'error', describe(e), where);
  });
}

function describe(e: AjvError): string {
  const at = e.instancePath || 'the document';
  switch (e.keyword) {
    case 'required':
      return `${at}: missing required key "${String(e.params.missingProperty)}"`;
    case 'type':
      return `${at}: must be ${String(e.params.type).replace(/,/g, ' or ')}`;
    case 'enum':
      return `${at}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return `${at}: matches none of the forms allowed here`;
    case 'pattern':
      return `${at}: must match ${String(e.params.pattern)}`;
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}
