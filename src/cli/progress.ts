import { formatBytes } from './render/table.js';
import { printable } from '../safety/printable.js';

/**
 * A one-line progress bar on stderr (bytes, rate, ETA), drawn only when stderr is a terminal, so
 * pipes and CI logs stay clean. Every long command (pack, describe, verify, download) uses this one.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(label: string, total: number | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let last = 0;
  const draw = (done: number) => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = done / secs;
    const parts = [printable(label), formatBytes(done) + (total ? ` / ${formatBytes(total)}` : ''), `${formatBytes(rate)}/s`];
    if (total) {
      const frac = Math.min(done / total, 1);
      const width = 24;
      const filled = Math.round(frac * width);
      parts.unshift(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
      if (rate > 0 && done < total) parts.push(`ETA ${Math.ceil((total - done) / rate)}s`);
    }
    stream.write(`\r\x1b[K${parts.join('  ')}`);
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    finish() {
      stream.write('\r\x1b[K');
    },
  };
}
