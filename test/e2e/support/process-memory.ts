/** Peak resident memory of a browser's renderer processes, from /proc (Linux): what a page really held. */
import { readFileSync, readdirSync } from 'node:fs';

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the command name, which may itself hold spaces or parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** Largest VmHWM (peak RSS) among the Chromium renderer processes under `ancestor`, in bytes. */
export function rendererPeakRss(ancestor: number): number {
  let peak = 0;
  for (const pid of descendants(ancestor)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kib * 1024);
    } catch {
      // Gone already.
    }
  }
  return peak;
}
