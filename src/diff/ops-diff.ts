/** ops.json by op instance id: what the runtime must implement and support. */
import type { Json } from '../artifact/json-member.js';
import { change, keyed, own, pointer, same, unionKeys, type Change } from './change.js';

/** Attributes with rules of their own; the others are op-attributes-changed. */
const RULED = new Set(['opsets', 'onnx_ir_version', 'has_external_data']);

export function diffOps(before: Json[], after: Json[]): Change[] {
  const a = keyed(before, 'id');
  const b = keyed(after, 'id');
  const oldTypes = new Set([...a.values()].map((op) => own(op, 'op')));
  const out: Change[] = [];
  for (const [id, op] of a) if (!b.has(id)) out.push(change('op-removed', pointer('ops', id), op, undefined));
  for (const [id, op] of b) {
    if (!a.has(id)) out.push(change(oldTypes.has(own(op, 'op')) ? 'op-added' : 'op-type-added', pointer('ops', id), undefined, op));
  }
  for (const [id, old] of a) {
    const now = b.get(id);
    if (now !== undefined) out.push(...diffOp(id, old, now));
  }
  return out;
}

function diffOp(id: string, old: Json, now: Json): Change[] {
  const out: Change[] = [];
  const at = (...rest: string[]) => pointer('ops', id, ...rest);
  if (!same(own(old, 'op'), own(now, 'op'))) out.push(change('op-type-changed', at('op'), own(old, 'op'), own(now, 'op')));
  for (const key of ['inputs', 'outputs']) {
    if (!same(own(old, key), own(now, key))) out.push(change('op-io-changed', at(key), own(old, key), own(now, key)));
  }
  if (!same(own(old, 'dynamic_attributes'), own(now, 'dynamic_attributes'))) {
    out.push(change('op-attributes-changed', at('dynamic_attributes'), own(old, 'dynamic_attributes'), own(now, 'dynamic_attributes')));
  }
  const [x, y] = [own(old, 'attributes'), own(now, 'attributes')];
  out.push(...diffOpsets(at('attributes', 'opsets'), own(x, 'opsets'), own(y, 'opsets')));
  const [ir0, ir1] = [own(x, 'onnx_ir_version'), own(y, 'onnx_ir_version')];
  if (!same(ir0, ir1))
    out.push(change(rises(ir0, ir1) ? 'op-ir-version-raised' : 'op-ir-version-lowered', at('attributes', 'onnx_ir_version'), ir0, ir1));
  const [ed0, ed1] = [own(x, 'has_external_data'), own(y, 'has_external_data')];
  if (!same(ed0, ed1)) out.push(change('op-external-data-changed', at('attributes', 'has_external_data'), ed0, ed1));
  for (const key of unionKeys(x, y)) {
    if (RULED.has(key) || same(own(x, key), own(y, key))) continue;
    out.push(change('op-attributes-changed', at('attributes', key), own(x, key), own(y, key)));
  }
  return out;
}

/** Opsets by domain: a domain added or a version raised asks more of the runtime. */
function diffOpsets(path: string, before: Json | undefined, after: Json | undefined): Change[] {
  const a = keyed(before, 'domain');
  const b = keyed(after, 'domain');
  const out: Change[] = [];
  for (const domain of new Set([...a.keys(), ...b.keys()])) {
    const v0 = own(a.get(domain), 'version');
    const v1 = own(b.get(domain), 'version');
    if (same(v0, v1)) continue;
    const raised = !a.has(domain) || (b.has(domain) && rises(v0, v1));
    out.push(change(raised ? 'op-opset-raised' : 'op-opset-lowered', `${path}${pointer(domain)}`, v0, v1));
  }
  return out;
}

/** A new number above the old, or anything not a number (unknown counts as asking more). */
function rises(old: Json | undefined, now: Json | undefined): boolean {
  return typeof old !== 'number' || typeof now !== 'number' || now > old;
}
