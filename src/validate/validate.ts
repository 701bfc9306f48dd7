/**
 * validate(): every rule of the format over one artifact, as diagnostics. Reads only what the
 * rules need: the root JSON members, the member list, each ONNX model's small fields by range, and
 * the model cards' zips by range (card-rules.ts).
 * Browser-safe (no `node:` imports); src/node/validate.ts opens paths and URLs.
 */
import { rootKeyRules } from './unknown-key-rules.js';
import { unwantedMemberRules } from './unwanted-member-rules.js';
import {
  DEFAULT_JSON_LIMITS,
  budgetedJsonReader,
  isObject,
  type Json,
  type JsonLimits,
  type ParsedMembers,
} from '../artifact/json-member.js';
import type { MemberStore } from '../artifact/member-store.js';
import { DTYPES, ENV, MANIFEST, MANIFEST_PATCH, META, META_SIDECAR, OPS, VARIANT_CONFIG, byteOrder } from '../artifact/root-files.js';
import { TarStore } from '../artifact/tar-store.js';
import { artifactCodeOf } from '../codes.js';
import { FnnxError } from '../errors.js';
import { BlockCache } from '../source/block-cache.js';
import type { ByteSource } from '../source/byte-source.js';
import { peekFirst } from '../source/peek-first.js';
import type { FileIndex } from '../tar/entry.js';
import { rangeIn } from '../tar/file-index.js';
import type { MemberRange, JsonObject, RuleContext } from './context.js';
import type { ZipLimits } from '../safety/zip-limits.js';
import { cardRules } from './card-rules.js';
import { customDtypeRules } from './custom-dtype-rules.js';
import { countBySeverity, diag, strictly, type Diagnostic, type Severity, pushAll } from './diagnostics.js';
import { customDtypeNames } from './dtype-rules.js';
import { envRules } from './env-rules.js';
import { validateManifest } from './manifest-rules.js';
import { memberRules, tarEntryRules } from './member-rules.js';
import { metadataRules, type MetaFile } from './metadata-rules.js';
import { onnxRules } from './onnx-rules.js';
import { opRules } from './op-rules.js';
import { patchRules } from './patch-rules.js';
import { checkPatchCount } from '../artifact/patches.js';
import { uploadProblems, type UploadFacts } from '../artifact/upload-rules.js';
import { loneSurrogateRules } from './string-rules.js';
import { tarEndRules } from './tar-end-rules.js';
import { variantRules } from './variant-rules.js';

export interface ValidateOptions {
  /** Warnings (unsupported variant/op/env kind, legacy metadata, ...) count as errors. */
  strict?: boolean;
  /** Also apply the registry's upload rules to these facts about the file. */
  upload?: UploadFacts;
  /** A known file_index: members are read without walking the archive (sources only). */
  index?: FileIndex;
  /** JSON limits for the members read, zip limits for the model cards opened (the ones `card show` takes). */
  limits?: Partial<JsonLimits> & Partial<ZipLimits>;
  /** Where a member's bytes are, for stores that are not tars (the directory form). */
  memberRange?: (name: string) => Promise<MemberRange | undefined>;
  /** Parses shared with other readings of the same store (see ParsedMembers). */
  parsed?: ParsedMembers;
  signal?: AbortSignal;
}

export interface ValidationReport {
  target: string;
  /** No error-severity diagnostic (after --strict is applied). */
  valid: boolean;
  strict: boolean;
  counts: Record<Severity, number>;
  diagnostics: Diagnostic[];
}

/**
 * Validates an artifact given as a tar behind a byte source, or as any member store. Findings
 * about the artifact are diagnostics; only failures to read (I/O, usage) are thrown.
 */
export async function validate(input: ByteSource | MemberStore, options: ValidateOptions = {}): Promise<ValidationReport> {
  const { store, raw } = isStore(input) ? { store: input, raw: undefined } : overTar(input, options.index);
  let diagnostics: Diagnostic[];
  try {
    diagnostics = await runRules(store, raw, options);
  } catch (e) {
    if (!(e instanceof FnnxError)) throw e;
    const code = artifactCodeOf(e);
    if (!code) throw e;
    // A diagnostic has no hint field; one that stops the whole read (compressed, over a limit) keeps its way out.
    diagnostics = [diag(code, 'error', e.hint ? `${e.message}; ${e.hint}` : e.message, { member: e.member ?? null, pointer: '' })];
  }
  if (options.upload)
    pushAll(
      diagnostics,
      uploadProblems(options.upload).map((p) => diag(p.code, 'error', p.message, { member: null, pointer: '' })),
    );
  if (options.strict) diagnostics = strictly(diagnostics);
  const counts = countBySeverity(diagnostics);
  return { target: store.label, valid: counts.error === 0, strict: !!options.strict, counts, diagnostics };
}

/**
 * A tar source as a member store (through a block cache), and as the raw source the ONNX reader
 * and the look past the end blocks read around the cache (their reads are already small), taking
 * from the cache only what it holds already.
 */
function overTar(input: ByteSource, index: FileIndex | undefined): { store: TarStore; raw: ByteSource } {
  const cache = new BlockCache(input);
  return { store: new TarStore(cache, { index }), raw: peekFirst(input, cache) };
}

function isStore(input: ByteSource | MemberStore): input is MemberStore {
  return typeof (input as MemberStore).members === 'function';
}

async function runRules(store: MemberStore, raw: ByteSource | undefined, options: ValidateOptions): Promise<Diagnostic[]> {
  const { signal } = options;
  const out: Diagnostic[] = [];
  const members = await store.members(signal);
  const files = await store.fileIndex(signal);
  pushAll(out, memberRules(members), unwantedMemberRules(members));
  if (store instanceof TarStore && !options.index) {
    const walk = await store.walk(signal);
    pushAll(out, tarEntryRules(walk.entries));
    pushAll(out, await tarEndRules(walk, raw ?? store.source, options.upload !== undefined, signal));
  }

  const limits = { ...DEFAULT_JSON_LIMITS, ...options.limits };
  const json = jsonLoader(store, limits, out, signal, options.parsed);
  const stored = (await json.root(MANIFEST, 'object', 'required')) as JsonObject | undefined;
  const ops = (await json.root(OPS, 'array', 'required')) as Json[] | undefined;
  const variantConfig = (await json.root(VARIANT_CONFIG, 'object', 'required')) as JsonObject | undefined;
  const dtypes = (await json.root(DTYPES, 'object', 'optional')) as JsonObject | undefined;
  const env = (await json.root(ENV, 'object', 'optional')) as JsonObject | undefined;

  if (dtypes) pushAll(out, customDtypeRules(dtypes));
  const rootNames = Object.keys(files)
    .filter((n) => !n.includes('/'))
    .sort(byteOrder);
  let manifest = stored;
  if (stored) {
    pushAll(out, validateManifest(stored, { dtypes: dtypes ?? {} }));
    const patchNames = rootNames.filter((n) => MANIFEST_PATCH.test(n));
    checkPatchCount(patchNames.length, limits.maxManifestPatches, patchNames.at(-1));
    const patches = [];
    for (const member of patchNames) {
      const doc = await json.read(member);
      if (doc !== undefined) patches.push({ member, doc });
    }
    const patched = patchRules(stored, patches, dtypes ?? {});
    pushAll(out, patched.diagnostics);
    manifest = patched.manifest;
  }

  const ctx: RuleContext = {
    store,
    members,
    files,
    manifest,
    ops,
    variantConfig,
    customDtypes: customDtypeNames(dtypes ?? {}),
    memberRange: (name) => memberRange(store, raw, files, name, options),
    signal,
  };
  pushAll(out, rootKeyRules(stored, { member: MANIFEST, pointer: '' }, ops, { member: OPS, pointer: '' }));
  if (ops) pushAll(out, opRules(ops, ctx.customDtypes), await onnxOpRules(ops, ctx));
  if (manifest) pushAll(out, variantRules(ctx));
  if (env) pushAll(out, envRules(env));
  pushAll(out, metadataRules(await metaFiles(json, rootNames), members));
  pushAll(out, await cardRules(ctx, options.limits ?? {}));
  return out;
}

async function onnxOpRules(ops: Json[], ctx: RuleContext): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const [i, op] of ops.entries()) {
    if (isObject(op) && op.op === 'ONNX_v1') pushAll(out, await onnxRules(op, { member: OPS, pointer: `/${i}` }, ctx));
  }
  return out;
}

async function metaFiles(json: JsonLoader, rootNames: string[]): Promise<MetaFile[]> {
  const names = [META, ...rootNames.filter((n) => META_SIDECAR.test(n))];
  const out: MetaFile[] = [];
  for (const member of names) {
    const doc = await json.root(member, 'array', member === META ? 'optional' : 'present');
    if (Array.isArray(doc)) out.push({ member, entries: doc });
  }
  return out;
}

async function memberRange(
  store: MemberStore,
  raw: ByteSource | undefined,
  files: FileIndex,
  name: string,
  options: ValidateOptions,
): Promise<MemberRange | undefined> {
  if (store instanceof TarStore) {
    const range = rangeIn(files, name);
    return range && { source: raw ?? store.source, offset: range[0], size: range[1] };
  }
  return options.memberRange?.(name);
}

type Need = 'required' | 'optional' | 'present';

interface JsonLoader {
  /** A member's JSON, or undefined (reported) when it does not parse. */
  read(member: string): Promise<Json | undefined>;
  /** A root file of a given JSON type, or undefined (reported) when missing or of the wrong type. */
  root(member: string, type: 'object' | 'array', need: Need): Promise<Json | undefined>;
}

function jsonLoader(store: MemberStore, limits: JsonLimits, out: Diagnostic[], signal?: AbortSignal, parsed?: ParsedMembers): JsonLoader {
  // One budget for every JSON member this validation parses (maxJsonTotal): sidecars are unbounded in number.
  const readJson = budgetedJsonReader(store, limits, signal, parsed);
  const read = async (member: string) => {
    try {
      const value = await readJson(member);
      if (value !== undefined) out.push(...loneSurrogateRules(value, member));
      return value;
    } catch (e) {
      if (!(e instanceof FnnxError)) throw e;
      const code = artifactCodeOf(e);
      if (!code) throw e;
      out.push(diag(code, 'error', e.message, { member, pointer: '' }));
      return undefined;
    }
  };
  const root = async (member: string, type: 'object' | 'array', need: Need) => {
    if ((await store.sizeOf(member, signal)) === undefined) {
      if (need === 'required')
        out.push(diag('ROOT_FILE_MISSING', 'error', `required root file ${member} is missing`, { member, pointer: '' }));
      else if (need === 'optional') {
        out.push(
          diag('ROOT_FILE_OMITTED', 'warning', `${member} is missing; producers write all six root files (readers treat it as empty)`, {
            member,
            pointer: '',
          }),
        );
      }
      return undefined;
    }
    const value = await read(member);
    if (value === undefined) return undefined;
    if (type === 'array' ? Array.isArray(value) : isObject(value)) return value;
    out.push(diag('ROOT_FILE_TYPE', 'error', `must hold a JSON ${type}`, { member, pointer: '' }));
    return undefined;
  };
  return { read, root };
}
