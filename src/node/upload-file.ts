import { stat } from 'node:fs/promises';
import { ArtifactError, FnnxError, SourceError } from '../errors.js';
import type { UploadBody } from '../upload/upload-body.js';
import { initiateMultipart, upload, type InitiateMultipartOptions, type UploadOptions, type UploadResult } from '../upload/upload.js';
import { cryptoHasher } from './crypto-hasher.js';
import { FILE_HASH_CHUNK, recycledFileChunks } from './file-chunks.js';
import { ioError } from './io-error.js';
import { sendStorageRequest, type SendLimits } from './upload-send.js';
import { readUploadState, removeUploadState, statePathOf, writeUploadState } from './upload-state-file.js';

export interface UploadFileOptions extends Omit<UploadOptions, 'state' | 'onState'>, SendLimits {
  /** Keep and use `<file>.upload.json` (default true). */
  resume?: boolean;
}

export interface UploadFileResult extends UploadResult {
  file: string;
}

/**
 * Uploads a local file by the registry's upload details (see upload.ts), resumable across runs:
 * each finished part is recorded in `<file>.upload.json`; a later run with the same details skips
 * the recorded parts whose bytes it proves unchanged (their MD5) and sends the rest. The record is
 * removed once the upload is completed.
 */
export async function uploadFile(path: string, details: unknown, options: UploadFileOptions = {}): Promise<UploadFileResult> {
  const body = await FileUploadBody.open(path, options);
  const statePath = statePathOf(path);
  const resume = options.resume !== false;
  const state = resume ? await readUploadState(statePath) : undefined;
  try {
    const result = await upload(body, details, {
      ...options,
      state,
      onState: resume ? (s) => writeUploadState(statePath, s) : undefined,
    });
    if (resume) await removeUploadState(statePath);
    return { file: path, ...result };
  } catch (e) {
    // A file that no longer matches makes its recorded parts worthless.
    if (resume && e instanceof FnnxError && (e.code === 'HASH_MISMATCH' || e.code === 'SOURCE_CHANGED')) await removeUploadState(statePath);
    throw e;
  }
}

/** POSTs an S3 "?uploads" URL; returns the UploadId. */
export function initiateMultipartUpload(url: string, options: InitiateMultipartOptions & SendLimits = {}): Promise<string> {
  return initiateMultipart((request, signal) => sendStorageRequest('', request, signal, options), url, options);
}

class FileUploadBody implements UploadBody {
  readonly hasher = cryptoHasher;

  private constructor(
    readonly label: string,
    readonly size: number,
    private readonly mtimeMs: number,
    private readonly limits: SendLimits,
  ) {}

  static async open(path: string, limits: SendLimits): Promise<FileUploadBody> {
    const st = await stat(path).catch((e: unknown) => {
      throw ioError(e, path);
    });
    if (!st.isFile()) throw new SourceError('NOT_A_FILE', `${path} is not a regular file`);
    const { timeoutMs, speedLimit, speedTimeMs } = limits;
    return new FileUploadBody(path, st.size, st.mtimeMs, { timeoutMs, speedLimit, speedTimeMs });
  }

  send(request: Parameters<UploadBody['send']>[0], signal?: AbortSignal): Promise<Response> {
    return sendStorageRequest(this.label, request, signal, this.limits);
  }

  chunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return recycledFileChunks(this.label, { chunkSize: FILE_HASH_CHUNK, expectedSize: this.size, signal });
  }

  async checkUnchanged(): Promise<void> {
    const st = await stat(this.label).catch((e: unknown) => {
      throw ioError(e, this.label);
    });
    if (st.size !== this.size || st.mtimeMs !== this.mtimeMs) {
      throw new ArtifactError('SOURCE_CHANGED', `${this.label}: the file changed while it was uploaded; the upload was not completed`, {
        hint: 'describe the file again and create a new upload',
      });
    }
  }
}
