/** The dtype language: `Array[...]`, `NDContainer[...]`, implicit scalars, and custom dtype names. */
import type { Json } from '../artifact/json-member.js';
import { diag, type Diagnostic, type Place } from './diagnostics.js';

export const ARRAY_ELEMENTS: ReadonlySet<string> = new Set(['float32', 'float64', 'int32', 'int64', 'bool', 'string']);
export const SCALARS: ReadonlySet<string> = new Set(['string', 'integer', 'float', 'boolean']);
/** Names dtypes.json must not define. */
export const RESERVED_DTYPE_NAMES: ReadonlySet<string> = new Set([...SCALARS, 'Array', 'NDContainer', ...ARRAY_ELEMENTS]);

export type Dtype =
  { form: 'Array'; element: string } | { form: 'NDContainer'; inner: string } | { form: 'name'; name: string } | { form: 'malformed' };

export function parseDtype(text: string): Dtype {
  const m = /^(Array|NDContainer)\[(.*)\]$/.exec(text);
  if (m) {
    const inner = m[2]!;
    if (inner === '') return { form: 'malformed' };
    return m[1] === 'Array' ? { form: 'Array', element: inner } : { form: 'NDContainer', inner };
  }
  if (text === '' || text.includes('[') || text.includes(']')) return { form: 'malformed' };
  return { form: 'name', name: text };
}

/**
 * Checks one dtype where an n-dimensional value is declared (an NDJSON IO entry or an op port).
 * `custom` is the set of names dtypes.json defines, or undefined when it is not known (then
 * references to custom dtypes are not checked).
 */
export function checkNdDtype(dtype: string, custom: ReadonlySet<string> | undefined, at: Place, allowPlainCustom = false): Diagnostic[] {
  const d = parseDtype(dtype);
  switch (d.form) {
    case 'malformed':
      return [diag('DTYPE_SYNTAX', 'error', `"${dtype}" is not a dtype: expected Array[<element>] or NDContainer[<dtype>]`, at)];
    case 'Array':
      return ARRAY_ELEMENTS.has(d.element)
        ? []
        : [
            diag(
              'DTYPE_ELEMENT_UNKNOWN',
              'warning',
              `"${dtype}": "${d.element}" is not one of the six Array element types (${[...ARRAY_ELEMENTS].join(', ')})`,
              at,
            ),
          ];
    case 'NDContainer':
      return checkContainerInner(dtype, d.inner, custom, at);
    case 'name':
      if (allowPlainCustom) return checkCustomRef(dtype, custom, at);
      return [
        diag(
          'DTYPE_SYNTAX',
          'error',
          `"${dtype}" is not an n-dimensional dtype: NDJSON values are Array[<element>] or NDContainer[<dtype>]`,
          at,
        ),
      ];
  }
}

function checkContainerInner(dtype: string, inner: string, custom: ReadonlySet<string> | undefined, at: Place): Diagnostic[] {
  if (/^Array\[/.test(inner)) {
    return [diag('DTYPE_CONTAINER_OF_ARRAY', 'error', `"${dtype}": an NDContainer's inner dtype must not be an Array[...] form`, at)];
  }
  if (inner.includes('[') || inner.includes(']')) {
    return [
      diag(
        'DTYPE_SYNTAX',
        'error',
        `"${dtype}": the inner dtype must be a scalar (string, integer, float, boolean) or a custom dtype name`,
        at,
      ),
    ];
  }
  if (SCALARS.has(inner)) return [];
  return checkCustomRef(inner, custom, at);
}

function checkCustomRef(name: string, custom: ReadonlySet<string> | undefined, at: Place): Diagnostic[] {
  if (custom === undefined || custom.has(name)) return [];
  return [diag('DTYPE_UNDEFINED', 'error', `dtype "${name}" is not defined in dtypes.json`, at)];
}

/** A JSON IO entry's dtype must name a custom dtype that dtypes.json defines. */
export function checkJsonDtype(dtype: string, custom: ReadonlySet<string> | undefined, at: Place): Diagnostic[] {
  const d = parseDtype(dtype);
  if (d.form !== 'name' || RESERVED_DTYPE_NAMES.has(dtype)) {
    return [diag('DTYPE_JSON_NOT_CUSTOM', 'error', `"${dtype}": a JSON entry's dtype must name a custom dtype from dtypes.json`, at)];
  }
  return checkCustomRef(dtype, custom, at);
}

/** The names dtypes.json defines (when it is an object). */
export function customDtypeNames(dtypes: Json | undefined): Set<string> {
  return new Set(dtypes && typeof dtypes === 'object' && !Array.isArray(dtypes) ? Object.keys(dtypes) : []);
}
