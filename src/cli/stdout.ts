import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ioError } from '../node/file-source.js';
import { EXIT_USAGE } from './errors.js';

/** Writes a chunk and waits for the stream to drain when it asks, so memory stays bounded. */
export async function writeAll(out: Writable, chunk: Uint8Array | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** 128 + SIGPIPE: what a shell reports for `cat big | head`'s cat. */
export const EXIT_BROKEN_PIPE = 141;

/**
 * Standard output is the world's too. A reader that went away (`| head -c 10`) ends the command
 * as it ends `cat`: at once, with no message, exit 141. Any other failure to write it (a full
 * disk, `> /dev/full`) is one error line, not a crash.
 */
export function handleStdoutErrors(format: (e: unknown) => string): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    process.stderr.write(format(ioError(e, 'standard output')));
    process.exit(EXIT_USAGE);
  });
}
