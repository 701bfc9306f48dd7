/**
 * JSON straight from UTF-8 bytes, for large members that are valid JSON. JSON.parse needs the
 * whole member as one string first; V8 puts a string of many MiB straight into old space, where
 * only a full collection frees it, and that comes late: four 63 MiB members held their texts and
 * values together (describe of string-heavy JSON at 2.5x its size). Here each string value is
 * decoded once from its own bytes and no whole text exists.
 *
 * This is a fast path, not a second parser to trust: it gives up (undefined) on anything that is
 * not plain valid JSON within the bounds, and the caller then decodes and parses the platform way,
 * which gives the exact error. test/json-bytes.test.ts holds it to JSON.parse on generated JSON
 * and on broken bytes.
 */
import type { Json } from './json-types.js';

/** Gave up: the platform path decides what is wrong. */
const GIVE_UP = Symbol('give up');

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const CONTROL = /[\u0000-\u001f]/;
/** Strings up to this many bytes are tried without the decoder. */
const SHORT = 32;
const ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

/**
 * The value of `bytes` and its count as checkShape counts (arrays, objects and separators), or
 * undefined when the bytes are not valid JSON in UTF-8, nest deeper than `maxDepth` or count
 * more than `maxValues`.
 */
export function parseJsonBytes(bytes: Uint8Array, maxDepth: number, maxValues: number): { value: Json; values: number } | undefined {
  try {
    return new BytesParser(bytes, maxDepth, maxValues).document();
  } catch (e) {
    // GIVE_UP, a decoder's refusal, or a stack overflow at a depth the caller allowed: the platform path says which.
    if (e === GIVE_UP || e instanceof Error) return undefined;
    throw e;
  }
}

class BytesParser {
  private at = 0;
  private values = 0;
  private depth = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
    private readonly maxValues: number,
  ) {}

  document(): { value: Json; values: number } {
    const b = this.bytes;
    // The platform path drops two: the decoder's BOM, then a U+FEFF the text starts with (parseText).
    for (let i = 0; i < 2 && b[this.at] === 0xef && b[this.at + 1] === 0xbb && b[this.at + 2] === 0xbf; i++) this.at += 3;
    const value = this.value();
    this.space();
    if (this.at !== b.length) throw GIVE_UP;
    return { value, values: this.values };
  }

  private value(): Json {
    this.space();
    const c = this.bytes[this.at];
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.number();
  }

  private object(): Json {
    const out: { [key: string]: Json } = {};
    this.open();
    this.space();
    if (this.bytes[this.at] === 0x7d) return this.close(out);
    for (;;) {
      this.space();
      if (this.bytes[this.at] !== 0x22) throw GIVE_UP;
      const key = this.string();
      this.space();
      if (this.bytes[this.at++] !== 0x3a) throw GIVE_UP;
      const v = this.value();
      // As JSON.parse: an own data property, "__proto__" included; a repeated key keeps its first place, last value.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      if (this.separator(0x7d)) return this.close(out);
    }
  }

  private array(): Json {
    const out: Json[] = [];
    this.open();
    this.space();
    if (this.bytes[this.at] === 0x5d) return this.close(out);
    for (;;) {
      out.push(this.value());
      if (this.separator(0x5d)) return this.close(out);
    }
  }

  /** After an element: true at the closing bracket, false after a comma (counted as checkShape counts it). */
  private separator(closing: number): boolean {
    this.space();
    const c = this.bytes[this.at];
    if (c === closing) return true;
    if (c !== 0x2c) throw GIVE_UP;
    this.at++;
    this.count();
    return false;
  }

  private open(): void {
    this.at++;
    this.count();
    if (++this.depth > this.maxDepth) throw GIVE_UP;
  }

  private close<T extends Json>(value: T): T {
    this.at++;
    this.depth--;
    return value;
  }

  private count(): void {
    if (++this.values > this.maxValues) throw GIVE_UP;
  }

  /**
   * Linear: the closing quote is searched again only when an escape (`\"`) went past it, and each
   * search for a backslash starts where the last escape ended.
   */
  private string(): string {
    const b = this.bytes;
    let from = ++this.at;
    // Keys, ids and tags are short and ASCII: read here, a decoder call each cost 3x JSON.parse's time.
    let short = '';
    for (let i = from; i < from + SHORT; i++) {
      const c = b[i];
      if (c === 0x22) {
        this.at = i + 1;
        return short;
      }
      if (c === undefined || c < 0x20 || c >= 0x80 || c === 0x5c) break;
      short += String.fromCharCode(c);
    }
    let quote = b.indexOf(0x22, from);
    const parts: string[] = [];
    for (;;) {
      if (quote < 0) throw GIVE_UP;
      const slash = b.subarray(from, quote).indexOf(0x5c);
      if (slash < 0) {
        parts.push(this.text(from, quote));
        this.at = quote + 1;
        return parts.length === 1 ? parts[0]! : parts.join('');
      }
      parts.push(this.text(from, from + slash));
      from = this.escape(from + slash + 1, parts);
      if (from > quote) quote = b.indexOf(0x22, from);
    }
  }

  /** The escape whose letter is at `at`, pushed to `parts`; returns where the string goes on. */
  private escape(at: number, parts: string[]): number {
    const c = this.bytes[at]!;
    if (c !== 0x75) {
      const s = ESCAPES[c];
      if (s === undefined) throw GIVE_UP;
      parts.push(s);
      return at + 1;
    }
    let code = 0;
    for (let i = at + 1; i < at + 5; i++) {
      const h = this.bytes[i]!;
      const d = h >= 0x30 && h <= 0x39 ? h - 0x30 : (h | 0x20) >= 0x61 && (h | 0x20) <= 0x66 ? (h | 0x20) - 0x57 : -1;
      if (d < 0) throw GIVE_UP;
      code = code * 16 + d;
    }
    parts.push(String.fromCharCode(code));
    return at + 5;
  }

  /** Raw string content: valid UTF-8 without control characters (JSON allows none unescaped). */
  private text(from: number, to: number): string {
    if (from === to) return '';
    const s = this.decoder.decode(this.bytes.subarray(from, to));
    if (CONTROL.test(s)) throw GIVE_UP;
    return s;
  }

  private number(): number {
    const b = this.bytes;
    const from = this.at;
    let to = from;
    for (
      let c = b[to];
      c !== undefined && (c === 0x2d || c === 0x2b || c === 0x2e || (c >= 0x30 && c <= 0x39) || (c | 0x20) === 0x65);
      c = b[++to]
    );
    // A number may be megabytes of digits (JSON.parse takes them): only a short one is built by hand.
    let s = '';
    if (to - from > SHORT) s = this.decoder.decode(b.subarray(from, to));
    else for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
    if (!NUMBER.test(s)) throw GIVE_UP;
    this.at = to;
    return Number(s);
  }

  private literal<T extends Json>(word: string, value: T): T {
    for (let i = 0; i < word.length; i++) if (this.bytes[this.at + i] !== word.charCodeAt(i)) throw GIVE_UP;
    this.at += word.length;
    return value;
  }

  /** JSON's whitespace: space, tab, line feed, carriage return. */
  private space(): void {
    const b = this.bytes;
    for (let c = b[this.at]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++this.at]);
  }
}
