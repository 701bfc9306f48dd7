import type { ByteSource } from '../source/byte-source.js';
import type { RemoteOptions } from '../source/http-open.js';
import { openingRange, tarStoreOver } from '../artifact/tar-store.js';
import type { MemberStore } from '../artifact/member-store.js';
import type { FileIndex } from '../tar/entry.js';
import type { TarLimits } from '../tar/limits.js';
import { UsageError } from '../errors.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';
import { fileCalls } from './fs-async.js';

export interface OpenOptions {
  index?: FileIndex;
  limits?: Partial<TarLimits>;
  signal?: AbortSignal;
  /** Retry policy, timeouts, concurrency and fetch for URLs. */
  remote?: Omit<RemoteOptions, 'openRange' | 'signal'>;
}

/** OpenOptions plus the CLI's and tests' knobs, kept off the public type (openStoreWith). */
export interface OpenKnobs extends OpenOptions {
  /** Wraps the raw source (before the cache): how tests and benches count reads. */
  wrap?: (source: ByteSource) => ByteSource;
  /** Read a local file on the calling thread (FileSource's `blocking`): the CLI's choice. */
  blocking?: boolean;
}

export function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** `ftp://…`, `s3://…`: a URL we cannot read must not fall through to "no such file". */
export function refuseOtherSchemes(target: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target)?.[1];
  if (scheme && !isUrl(target)) {
    throw new UsageError('UNSUPPORTED_SCHEME', `${scheme}:// URLs are not supported: give an http:// or https:// URL, or a local path`, {
      member: target,
      hint: scheme.toLowerCase() === 's3' ? 'use a presigned https:// URL of the object' : 'download the file first, then give its path',
    });
  }
}

/**
 * A byte source for a path or an http(s) URL, without the cache. URLs get the hardened source:
 * identity pinned (with If-Match: no CORS here), retries, timeouts, bounded concurrency.
 */
export function openSource(
  target: string,
  signal?: AbortSignal,
  options: { index?: FileIndex; remote?: OpenOptions['remote'] } = {},
): Promise<ByteSource> {
  return openSourceWith(target, signal, options);
}

/** openSource with the CLI's `blocking` knob. */
export async function openSourceWith(
  target: string,
  signal?: AbortSignal,
  options: { index?: FileIndex; remote?: OpenOptions['remote']; blocking?: boolean } = {},
): Promise<ByteSource> {
  refuseOtherSchemes(target);
  if (!isUrl(target)) return FileSource.open(target, { blocking: options.blocking });
  // Loaded for URLs only: node:http, node:https and TLS are a tenth of the CLI's start-up time.
  const [{ openHttpSource }, { nodeFetch }] = await Promise.all([import('../source/http-open.js'), import('./http-fetch.js')]);
  return openHttpSource(target, { ifMatch: true, fetch: nodeFetch, ...options.remote, openRange: openingRange(options.index), signal });
}

/**
 * Whether `target` names a local directory (the directory form of an artifact); a URL is not one,
 * a scheme we cannot read is refused, and a path that cannot be stat'ed is an I/O error.
 */
export async function isDirectoryTarget(target: string, blocking?: boolean): Promise<boolean> {
  refuseOtherSchemes(target);
  if (isUrl(target)) return false;
  const st = await fileCalls(blocking)
    .stat(target)
    .catch((e: unknown) => {
      throw ioError(e, target);
    });
  return st.isDirectory();
}

/** Opens an artifact wherever it is: a directory (the directory form), a tar file, or a URL. */
export function openStore(target: string, options: OpenOptions = {}): Promise<MemberStore> {
  return openStoreWith(target, options);
}

/** openStore with the CLI's and tests' knobs (OpenKnobs). */
export async function openStoreWith(target: string, options: OpenKnobs = {}): Promise<MemberStore> {
  // Loaded for directories only: a tar file, the common case, does not pay for the module at start-up.
  if (await isDirectoryTarget(target, options.blocking)) return new (await import('./dir-store.js')).DirStore(target);
  const raw = await openSourceWith(target, options.signal, { index: options.index, remote: options.remote, blocking: options.blocking });
  return tarStoreOver(options.wrap ? options.wrap(raw) : raw, { index: options.index, limits: options.limits });
}

/** A folder where a tar file is needed (describe, verify, index): say how to make the file. */
export function directoryGiven(target: string): UsageError {
  return new UsageError('IS_A_DIRECTORY', `${target} is a directory: pack it first (fnnx-kit pack ${target} -o model.fnnx)`, {
    hint: 'sizes, hashes and offsets belong to the tar file the registry stores, which a folder does not have yet',
  });
}
