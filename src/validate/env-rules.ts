/** env.json: known environment kinds checked against their schema, others reported by name. */
import type { Json } from '../artifact/json-member.js';
import { ENV } from '../artifact/root-files.js';
import { child, diag, type Diagnostic, pushAll } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export const CONDA_PIP = 'python3::conda_pip';

export function envRules(env: { [kind: string]: Json }): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [kind, description] of Object.entries(env)) {
    const at = child({ member: ENV, pointer: '' }, kind);
    if (kind === CONDA_PIP) pushAll(out, checkSchema('envPython3CondaPip', description, at, 'ENV_SCHEMA'));
    else
      out.push(
        diag('ENV_KIND_UNSUPPORTED', 'warning', `environment kind "${kind}" is not supported by this validator (readers ignore it)`, at),
      );
  }
  return out;
}
