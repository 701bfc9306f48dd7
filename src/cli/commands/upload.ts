import type { Command } from '../args/command.js';
import { line, printable } from '../../safety/printable.js';
import { SourceError, UsageError } from '../../errors.js';
import type { UploadFileResult } from '../../node/upload-file.js';
import { isUrl } from '../../node/open.js';
import { printJson, readJsonFile } from '../common.js';
import { interruptSignal } from '../interrupt.js';
import { rateOptions, withDeadline, withNetworkOptions, type NetworkOptions } from '../network-options.js';
import { progressBar, type Progress } from '../progress.js';
import { formatBytes } from '../render/table.js';
import { writeErr, writeOut } from '../stdout.js';
import { snakeCaseKeys } from '../render/json-keys.js';

interface UploadCliOptions extends NetworkOptions {
  details?: string;
  initiate?: string;
  descriptor?: string;
  sha256?: string;
  size?: string;
  concurrency: string;
  stallTimeout: string;
  resume: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** Where the details' shapes are written down (the README ships with the package). */
const DETAILS_DOC = 'README.md, "Upload details"';

export function registerUpload(program: Command): void {
  withNetworkOptions(
    program
      .command('upload')
      .description(
        `send an artifact to the registry's storage by its upload details (their shapes: ${DETAILS_DOC}): parts in parallel, retried, hashed while sent, resumable (<file>.upload.json, each resumed part proven by its MD5); completed only if the hash matches; prints what was sent and checked`,
      )
      .argument('[file]', 'the artifact to upload')
      .option(
        '--details <details.json>',
        `the registry's upload details: {type, url, multipart:false} (one PUT), or {type, upload_id?, parts, complete_url} (S3 parts, Azure blocks); see ${DETAILS_DOC}`,
      )
      .option(
        '--initiate <url|details.json>',
        'start an S3 multipart upload: POST the "?uploads" URL of the details with multipart:true (the URL, or the details file) and print the upload id',
      )
      .option('--descriptor <descriptor.json>', "what the registry was told (describe's output): its size and file_hash are checked")
      .option('--sha256 <hex>', 'expected SHA-256 of the file')
      .option('--size <bytes>', 'expected size in bytes (checked before anything is sent)')
      .option('--concurrency <n>', 'parts in flight at once', '4')
      .option('--stall-timeout <ms>', 'give up on a request after this long without progress (then retry)', '30000')
      .option('--no-resume', 'neither read nor write <file>.upload.json')
      .option('-q, --quiet', 'no progress bar, no warnings'),
  ).action(async (file: string | undefined, opts: UploadCliOptions) => {
    if (opts.initiate !== undefined) return initiate(opts);
    if (file === undefined || opts.details === undefined) {
      throw new UsageError('BAD_OPTION', 'upload needs a file and --details (or --initiate <url|details.json>)', {
        hint: 'see `fnnx-kit upload --help`',
      });
    }
    const details = await readJsonFile(opts.details);
    const { loadDescriptor } = await import('../../node/download-verify.js');
    const { uploadFile } = await import('../../node/upload-file.js');
    let bar: Progress | undefined;
    let result: UploadFileResult;
    const descriptor = opts.descriptor ? await loadDescriptor(opts.descriptor) : undefined;
    try {
      result = await withDeadline(opts, (signal) =>
        uploadFile(file, details, {
          descriptor,
          sha256: opts.sha256,
          size: opts.size === undefined ? undefined : count(opts.size, '--size'),
          concurrency: count(opts.concurrency, '--concurrency', 1),
          timeoutMs: count(opts.stallTimeout, '--stall-timeout', 1),
          ...rateOptions(opts),
          resume: opts.resume,
          signal,
          onWarning: opts.quiet ? undefined : (w) => void writeErr(`fnnx-kit: warning: ${printable(w)}\n`),
          onProgress: opts.quiet ? undefined : (p) => (bar ??= progressBar('upload', p.total)).update(p.sent),
        }),
      );
    } catch (e) {
      if (!interruptSignal.aborted || !opts.resume) throw e;
      throw new SourceError('ABORTED', 'the upload was interrupted', {
        hint: 'finished parts are recorded in the .upload.json beside the file: run the same command again to send only the rest',
      });
    } finally {
      bar?.finish();
    }
    if (opts.json) await printJson(snakeCaseKeys(result));
    else if (!opts.quiet) await writeOut(summary(result, descriptor !== undefined));
  });
}

async function initiate(opts: UploadCliOptions): Promise<void> {
  const url = await initiateUrl(opts.initiate!);
  const { initiateMultipartUpload } = await import('../../node/upload-file.js');
  const uploadId = await withDeadline(opts, (signal) =>
    initiateMultipartUpload(url, { timeoutMs: count(opts.stallTimeout, '--stall-timeout', 1), ...rateOptions(opts), signal }),
  );
  // The id is the store's text: escaped before it reaches a terminal (an OSC or a screen clear in it stays inert).
  if (opts.json) await printJson({ upload_id: uploadId });
  else await writeOut(line`${uploadId}` + '\n');
}

/** The "?uploads" URL: given as it is, or read from the registry's answer saved as a file. */
async function initiateUrl(arg: string): Promise<string> {
  if (isUrl(arg)) return arg;
  const { parseUploadDetails } = await import('../../upload/details.js');
  const details = parseUploadDetails(await readJsonFile(arg));
  if (details.shape === 's3-initiate') return details.url;
  throw new UsageError('UPLOAD_DETAILS_INVALID', `${arg} holds details of an upload that needs no --initiate (${details.shape})`, {
    hint: `upload with them: fnnx-kit upload <file> --details ${arg}`,
  });
}

function count(text: string, option: string, min = 0): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError('BAD_OPTION', `${option} must be a whole number${min ? ` of at least ${min}` : ''}, got "${text}"`);
  return n;
}

function summary(r: UploadFileResult, gaveDescriptor: boolean): string {
  const unchecked = gaveDescriptor
    ? 'not verified (the descriptor has no size or file_hash)'
    : 'not verified (no --descriptor, --sha256 or --size)';
  const checks = r.verified.length ? `verified ${r.verified.join(', ')}` : unchecked;
  const parts = r.shape === 'single' ? 'one PUT' : `${r.partsSent} part(s) sent${r.partsResumed ? `, ${r.partsResumed} resumed` : ''}`;
  return line`${r.file}: ` + `${formatBytes(r.size)}, sha256 ${r.sha256}; ${parts}; ${checks}; upload completed\n`;
}
