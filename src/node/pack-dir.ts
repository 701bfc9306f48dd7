/** The directory form of an artifact as builder input: root files as stored, every other file streamed. */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_JSON_LIMITS, parseJson } from '../artifact/json-member.js';
import { DTYPES, ENV, MANIFEST, META, OPS, ROOT_FILES, VARIANT_CONFIG } from '../artifact/root-files.js';
import { orderedMembers, type ArtifactInput } from '../build/builder.js';
import { assertValidManifest } from '../build/manifest-check.js';
import type { MemberInput } from '../artifact/member-input.js';
import { ArtifactError, LimitError, UsageError } from '../errors.js';
import { DEFAULT_PACK_EXCLUDES, excludeFilter, pathGlob } from '../build/path-glob.js';
import { KIND_WORDS, type MemberInfo } from '../artifact/member-store.js';
import type { Diagnostic } from '../validate/diagnostics.js';
import { refuseInvalidResult } from '../validate/would-be.js';
import type { ValidateOptions } from '../validate/validate.js';
import { DEFAULT_TAR_LIMITS } from '../tar/limits.js';
import { DirStore } from './dir-store.js';
import { fileBody, type FileBodyOptions } from './file-body.js';
import { ioError } from './io-error.js';
import { isTempFileOf } from './file-sink.js';
import { IGNORE_FILE, readIgnoreFile } from './ignore-file.js';

export interface PackDirOptions {
  /**
   * The file the artifact will be written to. Never packed, wherever it lies: not the file, not its
   * temporary files, not another name for the same file (a hard link).
   */
  output?: string;
  /** More paths to leave out, .gitignore-style (`*.log`, `data/raw/`); see path-glob.ts. */
  exclude?: readonly string[];
  /** Leave out `__pycache__/` and `*.pyc` as the reference FNNX builder does (default true). */
  defaultExcludes?: boolean;
  /** The most members the artifact may have (default: the readers' limit, DEFAULT_TAR_LIMITS.maxMembers). */
  maxMembers?: number;
  /** Told each path left out (a folder once, not its contents), to say how much was left out. */
  onExcluded?: (path: string, isDirectory: boolean) => void;
}

/** PackDirOptions plus the CLI's knob, kept off the public type (artifactInputFromDirWith). */
export interface PackDirKnobs extends PackDirOptions {
  /** How member files are read (fileBody): `blocking` reads synchronously, for the CLI. */
  blocking?: FileBodyOptions['blocking'];
}

export function artifactInputFromDir(dir: string, options: PackDirOptions = {}): Promise<ArtifactInput> {
  return artifactInputFromDirWith(dir, options);
}

/** artifactInputFromDir with the CLI's knob (PackDirKnobs). */
export async function artifactInputFromDirWith(dir: string, options: PackDirKnobs = {}): Promise<ArtifactInput> {
  const st = await stat(dir).catch((e: unknown) => {
    throw ioError(e, dir);
  });
  if (!st.isDirectory()) {
    throw new UsageError('NOT_A_DIRECTORY', `${dir} is a file, not a folder: pack builds an artifact file from its folder`, {
      hint: `to check an artifact file, run: fnnx-kit validate ${dir}`,
    });
  }
  const maxMembers = options.maxMembers ?? DEFAULT_TAR_LIMITS.maxMembers;
  const ignored = await readIgnoreFile(dir);
  const store = new DirStore(dir, { skip: excludedPaths(options, ignored), maxFiles: maxMembers });
  const members = await packedMembers(dir, await store.members(), options);
  for (const m of members) {
    if (m.kind !== 'file' && m.kind !== 'directory') {
      throw new UsageError(
        'UNSUPPORTED_MEMBER',
        `is ${KIND_WORDS[m.kind]}; an artifact holds only regular files (links are never followed)`,
        {
          member: m.name,
        },
      );
    }
  }
  refuseTooMany(dir, members, maxMembers);
  const root = async (name: string): Promise<Uint8Array | undefined> => {
    const size = await store.sizeOf(name);
    if (size === undefined) return undefined;
    const max = DEFAULT_JSON_LIMITS.maxJsonMember;
    if (size > max) throw new LimitError('maxJsonMember', `${size} bytes of JSON is over the limit of ${max}`, { member: name });
    return store.read(name);
  };
  const manifest = await root(MANIFEST);
  if (!manifest)
    throw new ArtifactError('ROOT_FILE_MISSING', `${dir} has no manifest.json: not an artifact directory`, { member: MANIFEST });
  const dtypes = await root(DTYPES);
  assertValidManifest(parseJson(manifest, MANIFEST), { dtypes: dtypes && parseJson(dtypes, DTYPES) });
  const files: MemberInput[] = [];
  for (const m of members) {
    if (m.kind === 'file' && !(ROOT_FILES as readonly string[]).includes(m.name)) {
      const seen = await store.identity(m.name);
      files.push({ name: m.name, body: await fileBody(join(dir, m.name), { blocking: options.blocking, seen }) });
    }
  }
  return {
    manifest,
    ops: await root(OPS),
    variantConfig: await root(VARIANT_CONFIG),
    dtypes,
    env: await root(ENV),
    meta: await root(META),
    files,
  };
}

/**
 * The excluded paths, left out as the folder is walked (an excluded folder is not entered): the
 * defaults, `.fnnxignore`'s patterns and `--exclude`'s; the ignore file itself is never packed.
 */
function excludedPaths(options: PackDirOptions, ignored: readonly string[]): (path: string, isDirectory: boolean) => boolean {
  const patterns = [...(options.defaultExcludes === false ? [] : DEFAULT_PACK_EXCLUDES), ...ignored, ...(options.exclude ?? [])];
  const excluded = excludeFilter(patterns.map(pathGlob));
  // The walk may ask twice about one path (counting a folder's files, then listing them): tell once.
  const told = new Set<string>();
  return (path, isDirectory) => {
    const out = path === IGNORE_FILE || excluded(path, isDirectory);
    if (out && options.onExcluded && !told.has(path)) {
      told.add(path);
      options.onExcluded(path, isDirectory);
    }
    return out;
  };
}

/**
 * The artifact holds every kept file and the six root files (written empty when missing): over
 * the member limit, readers would refuse it, so pack refuses it before reading a byte.
 */
function refuseTooMany(dir: string, members: readonly MemberInfo[], maxMembers: number): void {
  let count = ROOT_FILES.length;
  for (const m of members) if (m.kind === 'file' && !(ROOT_FILES as readonly string[]).includes(m.name)) count++;
  if (count > maxMembers) {
    throw new LimitError(
      'maxMembers',
      `${dir} would make an artifact of ${count} members, over the limit of ${maxMembers}; nothing was written`,
      {
        hint: 'leave out what the artifact does not need (--exclude), or split the folder',
      },
    );
  }
}

/** The listing minus what must not be packed: the output, in any of its names (excluded paths are left out by the walk). */
async function packedMembers(dir: string, listing: MemberInfo[], options: PackDirOptions): Promise<MemberInfo[]> {
  const isOutput =
    options.output === undefined || options.output === '-' ? () => Promise.resolve(false) : await outputMatcher(dir, options.output);
  const kept: MemberInfo[] = [];
  for (const m of listing) {
    if (m.kind === 'file' && (await isOutput(m))) continue;
    kept.push(m);
  }
  return kept;
}

/**
 * Recognises the output among the folder's files: by path (the output and its temporary files, when
 * the output lies inside the folder) and by identity (the same inode under another name). Only files
 * of the output's size are stat'ed again, so a big tree costs few extra system calls.
 */
async function outputMatcher(dir: string, output: string): Promise<(m: MemberInfo) => Promise<boolean>> {
  const root = await realpath(dir).catch(() => resolve(dir));
  const outDir = await realpath(dirname(resolve(output))).catch(() => dirname(resolve(output)));
  const rel = relative(root, outDir);
  const inside = !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
  const outParent = rel === '' ? '' : rel.split(sep).join('/');
  const outName = basename(output);
  const existing = await stat(output).catch(() => undefined);
  return async (m) => {
    if (inside) {
      const slash = m.name.lastIndexOf('/');
      const parent = slash < 0 ? '' : m.name.slice(0, slash);
      const name = m.name.slice(slash + 1);
      if (parent === outParent && (name === outName || isTempFileOf(outName, name))) return true;
    }
    if (!existing || m.size !== existing.size) return false;
    const st = await stat(join(dir, m.name)).catch(() => undefined);
    return st !== undefined && st.ino === existing.ino && st.dev === existing.dev;
  };
}

const ROOT_VALUE: ReadonlyMap<string, keyof ArtifactInput> = new Map<string, keyof ArtifactInput>([
  [MANIFEST, 'manifest'],
  [OPS, 'ops'],
  [VARIANT_CONFIG, 'variantConfig'],
  [DTYPES, 'dtypes'],
  [ENV, 'env'],
  [META, 'meta'],
]);

/**
 * Runs the validator on the artifact `pack` would write from `dir` (root files as they will be
 * stored, every other file read by range only where a rule needs it: ONNX headers) and refuses
 * what `validate` would call an error, before the output file is created.
 */
export async function refuseInvalidPack(input: ArtifactInput, dir: string, limits?: ValidateOptions['limits']): Promise<Diagnostic[]> {
  const blame = (d: Diagnostic) => {
    const skip = 'or pack --no-check to write it anyway';
    if (d.member === null) return { place: dir, fix: `fix the folder ${dir}, ${skip}` };
    const place = join(dir, d.member);
    const root = ROOT_VALUE.get(d.member);
    // A root file the folder lacks is written empty ({} or []): say so, not only what the empty one lacks.
    if (root !== undefined && input[root] === undefined)
      return { place, fix: `${dir} has no ${d.member} (pack would write an empty one): add it, ${skip}` };
    return { place, fix: `fix ${place}, ${skip}` };
  };
  return refuseInvalidResult({ planned: orderedMembers(input), label: dir, refuse: 'error', blame, limits });
}
