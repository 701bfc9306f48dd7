import { printableJson } from '../../safety/printable.js';

/**
 * JSON.stringify(value, null, 2), produced piece by piece: `inspect --json` of 499,000 metadata
 * entries is a 70 MB string, and building it whole (plus V8's intermediate copies) took the process
 * to 490 MiB. The text is the same JSON value, with what JSON.stringify leaves raw in strings (DEL,
 * C1, bidi controls, U+2028/2029) written as `\uXXXX` (printableJson): `--json` on a terminal is
 * read by a person too, and JSON.parse gives back the exact strings. Only plain data is expected
 * (what the CLI prints).
 */
export function* jsonPieces(value: unknown, pad = ''): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    const inner = `${pad}  `;
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const item: unknown = value[i];
      // As JSON.stringify: an element that has no JSON form is written as null.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* jsonPieces(item, inner);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    return yield `${pad}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => {
      const v = value[k];
      return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
    });
    if (keys.length === 0) return yield '{}';
    const inner = `${pad}  `;
    yield '{\n';
    for (let i = 0; i < keys.length; i++) {
      yield `${inner}${printableJson(JSON.stringify(keys[i]))}: `;
      yield* jsonPieces(value[keys[i]!], inner);
      yield i < keys.length - 1 ? ',\n' : '\n';
    }
    return yield `${pad}}`;
  }
  if (typeof value === 'string' && value.length > STRING_SLICE) return yield* stringPieces(value);
  // Scalars, and objects with their own toJSON: JSON.stringify itself (strings hold no raw newline).
  yield printableJson((JSON.stringify(value, null, 2) ?? 'null').replace(/\n/g, `\n${pad}`));
}

/** Characters of a long string stringified at a time. */
const STRING_SLICE = 65536;

/**
 * A long string as JSON, a slice at a time: stringified whole, a manifest's 63 MiB description was
 * held twice more (its JSON text, then the batch being written). A slice never ends between the
 * two halves of a surrogate pair, which JSON.stringify would escape as two lone surrogates.
 */
function* stringPieces(s: string): Generator<string> {
  yield '"';
  for (let at = 0; at < s.length;) {
    let end = Math.min(at + STRING_SLICE, s.length);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield printableJson(JSON.stringify(s.slice(at, end)).slice(1, -1));
    at = end;
  }
  yield '"';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes the pieces in batches of about 64 KiB, waiting whenever `write` does: stdout to a pipe
 * queues every write it cannot take at once (measured: 1 GB for a 70 MB report piped to `cat`).
 */
export async function writeJson(value: unknown, write: (text: string) => Promise<void>): Promise<void> {
  let batch = '';
  for (const piece of jsonPieces(value)) {
    batch += piece;
    if (batch.length >= 65536) {
      await write(batch);
      batch = '';
    }
  }
  await write(`${batch}\n`);
}

/** A small value as `--json` prints it whole: JSON.stringify(value, null, 2) escaped as jsonPieces escapes it. */
export function jsonText(value: unknown): string {
  return printableJson(JSON.stringify(value, null, 2) ?? 'null');
}
