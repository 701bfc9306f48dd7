import type { ByteSource } from '../source/byte-source.js';
import { formatBytes } from './render/table.js';
import { printable } from '../safety/printable.js';

/**
 * A one-line progress bar on stderr (bytes, rate, ETA), drawn only when stderr is a terminal, so
 * pipes and CI logs stay clean. Every long command (pack, describe, verify, download, extract,
 * card add) uses this one.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

/**
 * A rate measured over the first instants is noise (a cached first read looks like GB/s, a slow
 * first round trip like hours): rate and ETA appear only once this much time has passed.
 */
const SETTLE_MS = 1000;

/** The text of one frame; `elapsedMs` since the bar started. */
export function progressLine(label: string, done: number, total: number | undefined, elapsedMs: number): string {
  const parts = [printable(label), formatBytes(done) + (total ? ` / ${formatBytes(total)}` : '')];
  const rate = elapsedMs >= SETTLE_MS ? done / (elapsedMs / 1000) : undefined;
  if (rate !== undefined) parts.push(`${formatBytes(rate)}/s`);
  if (total) {
    const frac = Math.min(done / total, 1);
    const width = 24;
    const filled = Math.round(frac * width);
    parts.unshift(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    if (rate !== undefined && rate > 0 && done < total) parts.push(`ETA ${Math.ceil((total - done) / rate)}s`);
  }
  return parts.join('  ');
}

/** The stream a bar has drawn on and not yet cleared: what an interrupt must end with a newline. */
let openLine: NodeJS.WriteStream | undefined;

/**
 * Ends a bar's line where it stands (Ctrl-C, src/cli/interrupt.ts): the last frame stays
 * visible and the next message starts on a line of its own.
 */
export function endProgressLine(): void {
  openLine?.write('\n');
  openLine = undefined;
}

export function progressBar(
  label: string,
  total: number | undefined,
  options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {},
): Progress {
  // Quiet is decided first: making process.stderr costs a command that draws nothing start-up time.
  if (options.quiet) return { update() {}, finish() {} };
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let last = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[K${progressLine(label, Math.min(done, total ?? done), total, now - started)}`);
      openLine = stream;
    },
    finish() {
      // After an interrupt ended the line, there is nothing of the bar's left to clear.
      if (openLine !== stream) return;
      stream.write('\r\x1b[K');
      openLine = undefined;
    },
  };
}

/** A source that reports the bytes read through it so far: progress for work that reads a whole file once. */
export function reportingReads(source: ByteSource, onRead: (bytesSoFar: number) => void): ByteSource {
  let bytes = 0;
  return {
    get byteLength() {
      return source.byteLength;
    },
    get label() {
      return source.label;
    },
    async read(offset, length, signal) {
      const chunk = await source.read(offset, length, signal);
      onRead((bytes += length));
      return chunk;
    },
    close: () => source.close?.() ?? Promise.resolve(),
  };
}
