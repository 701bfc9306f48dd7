/** ops.json: the schema, ids unique and path-safe, dynamic attributes complete, port dtypes, op types. */
import { isObject, type Json } from '../artifact/json-member.js';
import { OPS } from '../artifact/root-files.js';
import { child, diag, type Diagnostic, type Place, pushAll } from './diagnostics.js';
import { checkNdDtype } from './dtype-rules.js';
import { checkSchema } from './schema-check.js';

/** Op types this kit knows how to check; any other is reported as unsupported, by name. */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set(['ONNX_v1']);

export function opRules(ops: Json[], customDtypes: ReadonlySet<string>): Diagnostic[] {
  const root: Place = { member: OPS, pointer: '' };
  const out = checkSchema('ops', ops, root, 'OP_SCHEMA', (e) => {
    if (/^\/\d+\/id$/.test(e.instancePath) && e.keyword === 'pattern') return 'OP_ID_UNSAFE';
    if (/^\/\d+\/dynamic_attributes\//.test(e.instancePath)) return 'OP_DYNATTR_INCOMPLETE';
    return undefined;
  });
  const ids = new Set<string>();
  ops.forEach((op, i) => {
    if (!isObject(op)) return;
    const at = child(root, i);
    if (typeof op.id === 'string') {
      if (ids.has(op.id))
        out.push(diag('OP_ID_DUPLICATE', 'error', `op id "${op.id}" is used by more than one op instance`, child(at, 'id')));
      ids.add(op.id);
    }
    if (typeof op.op === 'string' && !SUPPORTED_OPS.has(op.op)) {
      out.push(
        diag(
          'OP_UNSUPPORTED',
          'warning',
          `op type "${op.op}" is not supported by this validator; its payload is not checked`,
          child(at, 'op'),
        ),
      );
    }
    for (const side of ['inputs', 'outputs'] as const) {
      const ports = op[side];
      if (!Array.isArray(ports)) continue;
      ports.forEach((p, k) => {
        if (isObject(p) && typeof p.dtype === 'string')
          pushAll(out, checkNdDtype(p.dtype, customDtypes, child(at, side, k, 'dtype'), true));
      });
    }
  });
  return out;
}
