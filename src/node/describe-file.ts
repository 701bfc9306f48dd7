import type { HashAlgorithm } from '../hash/hasher.js';
import { describeSource } from '../describe/describe-source.js';
import type { DescribeResult } from '../describe/descriptor.js';
import { refuseUnuploadable } from '../artifact/upload-rules.js';
import type { JsonLimits } from '../artifact/json-member.js';
import type { TarLimits } from '../tar/limits.js';
import { cryptoHasher } from './crypto-hasher.js';
import { statAsync } from './fs-async.js';
import { directoryGiven, isUrl, openSource } from './open.js';
import { uploadFileName } from './upload-file-name.js';
import { describeLocalHere, describeLocalInWorker, type LocalDescribeOptions } from './describe-local.js';

export interface DescribeFileOptions {
  /** Refuse (exit 1) before reading when over this; default the registry's 5 GB mark. */
  maxSize?: number;
  /** Check the name against the registry's extensions (describe does; verify does not). */
  uploadChecks?: boolean;
  extraDigests?: HashAlgorithm[];
  limits?: Partial<TarLimits & JsonLimits>;
  onStart?: (size: number) => void;
  onProgress?: (bytesDone: number) => void;
  signal?: AbortSignal;
  /**
   * A local file is read and hashed on a worker thread (default), so the caller's event loop stays
   * free. `false` runs the pass on the calling thread, blocking it: what the CLI does, which has
   * nothing else to run, so the worker's start-up would only cost it time on small files.
   */
  worker?: boolean;
}

export { uploadFileName };

/** Describes a local tar file or a URL in one pass, with node:crypto hashing (a local file's on a worker). */
export async function describeFile(target: string, options: DescribeFileOptions = {}): Promise<DescribeResult> {
  // A folder first: its name has no extension, and "rename the file" would send the user astray.
  if (!isUrl(target) && (await statAsync(target).catch(() => undefined))?.isDirectory()) throw directoryGiven(target);
  const fileName = uploadFileName(target);
  if (options.uploadChecks !== false) refuseUnuploadable(fileName, { fileName });
  const source = await openSource(target, options.signal);
  const common: LocalDescribeOptions = {
    size: source.byteLength,
    fileName,
    extraDigests: options.extraDigests,
    tarLimits: options.limits,
    jsonLimits: options.limits,
    onProgress: options.onProgress,
    signal: options.signal,
  };
  try {
    if (options.uploadChecks !== false) refuseUnuploadable(fileName, { size: source.byteLength, maxSize: options.maxSize });
    options.onStart?.(source.byteLength);
    if (isUrl(target)) return await describeSource(source, { ...common, hasher: cryptoHasher });
    return await (options.worker === false ? describeLocalHere : describeLocalInWorker)(target, common);
  } finally {
    await source.close?.();
  }
}
