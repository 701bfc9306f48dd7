import { lstat } from 'node:fs/promises';
import type { Command } from '../args/command.js';
import { SourceError, UsageError } from '../../errors.js';
import type { DownloadResult } from '../../node/download.js';
import { isUrl } from '../../node/open.js';
import { printJson } from '../common.js';
import { progressBar, type Progress } from '../progress.js';
import { formatBytes } from '../render/table.js';
import { rateOptions, withDeadline, withNetworkOptions, type NetworkOptions } from '../network-options.js';
import { line, printable } from '../../safety/printable.js';
import { writeErr, writeOut } from '../stdout.js';
import { snakeCaseKeys } from '../render/json-keys.js';

interface DownloadCliOptions extends NetworkOptions {
  output?: string;
  force?: boolean;
  sha256?: string;
  size?: string;
  descriptor?: string;
  json?: boolean;
  stallTimeout?: string;
  quiet?: boolean;
}

export function registerDownload(program: Command): void {
  withNetworkOptions(
    program
      .command('download')
      .description('download an artifact to a file: resumable (<file>.part), hashed while writing, verified before it takes the name')
      .argument('<url>', 'an http(s) URL (a presigned object-store URL works: only Range and If-Match are sent)')
      .option(
        '-o, --output <file>',
        "where to save it (default: the URL's file name in this folder); the transfer goes to <file>.part until verified",
      )
      .option('--force', "without -o: replace a file already at the URL's file name (with -o the file given is always replaced)")
      .option('--sha256 <hex>', 'expected SHA-256 of the whole file')
      .option('--size <bytes>', 'expected size in bytes')
      .option('--descriptor <descriptor.json>', 'upload descriptor: checks its size, file_hash and file_index')
      .option('--stall-timeout <ms>', 'give up on a request after this long without any data (then retry)', '30000')
      .option('--json', 'print the result as JSON'),
  ).action(async (url: string, opts: DownloadCliOptions) => {
    if (!isUrl(url)) throw new UsageError('NOT_A_URL', `"${url}" is not an http(s) URL`);
    const rate = rateOptions(opts);
    // The total is known from the first reply, so the bar starts there.
    let bar: Progress | undefined;
    let result: DownloadResult;
    // Loaded when run, so other commands don't pay for the download stack at startup.
    const { download } = await import('../../node/download.js');
    const { loadDescriptor } = await import('../../node/download-verify.js');
    const descriptor = opts.descriptor ? await loadDescriptor(opts.descriptor) : undefined;
    const output = opts.output ?? (await outputFromUrl(url, opts.force === true));
    try {
      result = await withDeadline(opts, (signal) =>
        download(url, output, {
          sha256: opts.sha256,
          size: opts.size === undefined ? undefined : count(opts.size, '--size'),
          descriptor,
          timeoutMs: count(opts.stallTimeout ?? '30000', '--stall-timeout'),
          ...rate,
          signal,
          onProgress: (p) => (bar ??= progressBar('download', p.total, { quiet: opts.quiet })).update(p.done),
          onWarning: (message) => void writeErr(`fnnx-kit: warning: ${printable(message)}\n`),
        }),
      );
    } finally {
      bar?.finish();
    }
    if (opts.json) await printJson(snakeCaseKeys(result));
    else await writeOut(summary(result));
  });
}

function count(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new UsageError('BAD_OPTION', `${option} must be a whole number, got "${text}"`);
  return n;
}

function summary(r: DownloadResult): string {
  const checks = r.verified.length ? `verified ${r.verified.join(', ')}` : 'not verified (no --sha256, --size or --descriptor)';
  const resumed = r.resumedFrom > 0 ? `, resumed at ${formatBytes(r.resumedFrom)}` : '';
  return line`${r.file}: ` + `${formatBytes(r.size)}, sha256 ${r.sha256}; ${checks}${resumed}\n`;
}

/**
 * Without -o, the URL's last path segment names the file, in this folder, as curl -O does: only a
 * plain name (no path, no control characters), and never over a file already there unless --force.
 */
async function outputFromUrl(url: string, force: boolean): Promise<string> {
  const { uploadFileName } = await import('../../node/describe-file.js');
  let name = '';
  try {
    // A path ending in "/" names a folder, whatever its last segment.
    if (!new URL(url).pathname.endsWith('/')) name = uploadFileName(url);
  } catch {
    // A malformed %-escape: no usable name, as below.
  }
  if (name === '' || name === '.' || name === '..' || name.length > 255 || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw new UsageError('NO_OUTPUT', `the URL's path ends in no usable file name: give the file to write with -o`);
  }
  if (
    !force &&
    (await lstat(name).then(
      () => true,
      () => false,
    ))
  ) {
    throw new SourceError('ALREADY_EXISTS', `${name} (the URL's file name) already exists here; nothing was downloaded`, {
      hint: `give --force to replace it, or -o another name`,
    });
  }
  return name;
}
