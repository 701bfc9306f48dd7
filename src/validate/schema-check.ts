/**
 * Runs the validators compiled from schemas/*.json (see scripts/compile-schemas.mjs) and turns
 * ajv's error objects into diagnostics.
 */
import type { DiagnosticCode } from '../codes.js';
import { schemaErrors, type AjvError, type SchemaName } from '../artifact/schema-verdict.js';
import { child, diag, type Diagnostic, type Place } from './diagnostics.js';

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
