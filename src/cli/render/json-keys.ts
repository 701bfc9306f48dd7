/**
 * The CLI's `--json` speaks the registry's style (snake_case, as `file_hash` and `file_index`),
 * while the library's result objects keep JavaScript's camelCase. Only a result's own top-level
 * keys are renamed: the values (member names, metric names, payloads) are data and stay as given.
 */
export function snakeCaseKeys(result: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) out[snakeCase(key)] = value;
  return out;
}

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
