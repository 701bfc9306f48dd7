/**
 * `--limit name=value`: raise or lower any reading limit from the command line. Names are the
 * option names a LimitError's hint mentions, so an error tells the user exactly what to type.
 */
import { UsageError } from '../errors.js';
import { DEFAULT_TAR_LIMITS } from '../tar/limits.js';
import { DEFAULT_JSON_LIMITS } from '../artifact/json-member.js';
import { DEFAULT_EXTRACT_LIMITS } from '../node/extract-limits.js';
import { DEFAULT_ZIP_LIMITS } from '../safety/zip-limits.js';
import { DEFAULT_RUN_LIMITS } from '../run/run-limits.js';

export const KNOWN_LIMITS: Readonly<Record<string, number>> = {
  ...DEFAULT_TAR_LIMITS,
  ...DEFAULT_JSON_LIMITS,
  ...DEFAULT_EXTRACT_LIMITS,
  ...DEFAULT_ZIP_LIMITS,
  ...DEFAULT_RUN_LIMITS,
};

/** Commander collector: accumulates repeated `--limit` flags into one object. */
export function collectLimit(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^([A-Za-z]+)=([0-9]+)([kKmMgG]i?B?)?$/.exec(text.trim());
  if (!m) {
    const named = /^([A-Za-z]+)=(.*)$/.exec(text.trim());
    if (named && Object.hasOwn(KNOWN_LIMITS, named[1]!)) {
      throw new UsageError(
        'BAD_LIMIT',
        `--limit ${named[1]} takes a whole number (optionally ending in KiB, MiB or GiB), not ${JSON.stringify(named[2])}`,
        {
          hint: `e.g. --limit ${named[1]}=${KNOWN_LIMITS[named[1]!]! * 2}`,
        },
      );
    }
    throw new UsageError('BAD_LIMIT', `--limit ${JSON.stringify(text)} is not name=value (e.g. maxJsonMember=128MiB)`);
  }
  const [, name, digits, unit] = m as unknown as [string, string, string, string | undefined];
  if (!Object.hasOwn(KNOWN_LIMITS, name)) {
    throw new UsageError('BAD_LIMIT', `unknown limit "${name}"`, { hint: `known limits: ${Object.keys(KNOWN_LIMITS).join(', ')}` });
  }
  const scale = unit ? 1024 ** ('kmg'.indexOf(unit[0]!.toLowerCase()) + 1) : 1;
  const value = Number(digits) * scale;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError('BAD_LIMIT', `limit ${name}=${digits}${unit ?? ''} is out of range`);
  return { ...previous, [name]: value };
}

export function limitsHelp(): string {
  return `set a limit, repeatable (name=value, value may end in KiB/MiB/GiB): ${Object.keys(KNOWN_LIMITS).join(', ')}`;
}
