import { ArtifactError, LimitError } from '../errors.js';
import type { MemberStore } from './member-store.js';

export interface JsonLimits {
  /** Largest root JSON member (manifest, ops, metadata…) read into memory. */
  maxJsonMember: number;
  /** Deepest nesting of arrays/objects accepted in such a member. */
  maxJsonDepth: number;
  /**
   * Most arrays, objects and array/object elements in one member. Bytes alone do not bound memory:
   * 8 MiB of `[{},{},…]` parses into ~300 MiB of objects.
   */
  maxJsonValues: number;
  /**
   * Most JSON bytes one reading of an artifact parses in all (root files plus every sidecar and
   * patch): the count of sidecars is the archive's choice, and each parsed one is kept.
   */
  maxJsonTotal: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxJsonMember: 64 * 1024 * 1024, maxJsonDepth: 256, maxJsonValues: 1_000_000, maxJsonTotal: 256 * 1024 * 1024 };

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Reads and parses one JSON member, refusing sizes over the limit before reading a byte and
 * naming the member in every error. Returns undefined when the member does not exist.
 */
export async function readJsonMember(
  store: MemberStore,
  name: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  signal?: AbortSignal,
): Promise<Json | undefined> {
  const size = await store.sizeOf(name, signal);
  if (size === undefined) return undefined;
  if (size > limits.maxJsonMember) {
    throw new LimitError('maxJsonMember', `${size} bytes of JSON is over the limit of ${limits.maxJsonMember}`, { member: name });
  }
  return parseJson(await store.read(name, signal), name, limits.maxJsonDepth, limits.maxJsonValues);
}

/**
 * A readJsonMember that charges every member's size to one shared budget (maxJsonTotal) before
 * reading it; use one per reading of an artifact.
 */
export function budgetedJsonReader(
  store: MemberStore,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  signal?: AbortSignal,
): (name: string) => Promise<Json | undefined> {
  let spent = 0;
  return async (name) => {
    const size = await store.sizeOf(name, signal);
    if (size !== undefined && size <= limits.maxJsonMember) {
      spent += size;
      if (spent > limits.maxJsonTotal) {
        throw new LimitError('maxJsonTotal', `reading this member takes the artifact's JSON past ${limits.maxJsonTotal} bytes in all (root files, sidecars, patches)`, { member: name });
      }
    }
    return readJsonMember(store, name, limits, signal);
  };
}

export function parseJson(
  bytes: Uint8Array,
  member: string,
  maxDepth = DEFAULT_JSON_LIMITS.maxJsonDepth,
  maxValues = DEFAULT_JSON_LIMITS.maxJsonValues,
): Json {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ArtifactError('JSON_INVALID', 'is not valid UTF-8', { member });
  }
  checkShape(text, member, maxDepth, maxValues);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json;
  } catch (e) {
    throw new ArtifactError('JSON_INVALID', `is not valid JSON: ${(e as Error).message}`, { member });
  }
}

/**
 * JSON.parse recurses and allocates per value; bound depth and value count first so a hostile
 * file can neither blow the stack nor the heap.
 */
function checkShape(text: string, member: string, maxDepth: number, maxValues: number): void {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b || c === 0x2c) {
      if (++values > maxValues) {
        throw new LimitError('maxJsonValues', `JSON holds more than ${maxValues} values`, { member });
      }
      if (c !== 0x2c && ++depth > maxDepth) {
        throw new LimitError('maxJsonDepth', `JSON nests deeper than ${maxDepth} levels`, { member });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * A document ArtifactContents types by its schema, seen again as the JSON it was parsed from:
 * readArtifact checks only JSON types, so code that must not trust the shape reads it as Json.
 */
export function asParsedJson(document: object): Json {
  return document as unknown as Json;
}

export function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
