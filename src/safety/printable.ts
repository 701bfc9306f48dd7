/**
 * Text from an artifact (member names, manifest fields, metadata ids, messages quoting them) is a
 * stranger's: shown raw, a newline forges a line, ESC/OSC sequences clear the screen or set the
 * window title, and a bidi override makes `bidi\u202egnp.exe` read as `bidiexe.png`. Everything
 * shown to a person, on a terminal or on the page, goes through `printable`. Browser-safe.
 */

/**
 * C0 controls, DEL, C1 controls (U+0085 is a line break, U+009B a CSI), the Arabic letter mark,
 * LRM/RLM, the line and paragraph separators, the bidi embeddings/overrides and isolates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: ReadonlyMap<string, string> = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\u0000', '\\0'],
]);

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi-control character shown as a visible escape (`\n`, `\u001b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED.get(c) ?? unicodeEscape(c));
}

/** What JSON.stringify leaves raw inside strings: DEL, C1, the bidi controls, U+2028/2029 (C0 it escapes). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify output for a person to read: the same JSON value, with the characters it leaves
 * raw written as `\uXXXX` escapes. They can only stand inside strings, where such an escape means
 * the same character, so the text still parses to the exact value; its own line breaks and
 * indentation stay. Every JSON the CLI prints goes through it (`--json`, describe's descriptor,
 * errors as JSON): stdout is often a terminal, and a program's JSON.parse sees no difference.
 */
export function printableJson(json: string): string {
  return json.replace(RAW_IN_JSON, unicodeEscape);
}

/**
 * A template tag for human-readable lines: every interpolated value goes through `printable`, the
 * literal parts (ours) do not. `line\`${member}: ${message}\`` cannot forget to escape.
 */
export function line(parts: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = parts[0]!;
  values.forEach((v, i) => (out += (typeof v === 'number' ? String(v) : printable(v)) + parts[i + 1]!));
  return out;
}
