/**
 * CPU seconds spent so far by every process running the program named `name` (argv[0]'s base
 * name: Debian's /usr/bin/chromium is a script that starts /usr/lib/chromium/chromium), summed by
 * Chromium's process type (`--type=renderer`, …; the browser process has none), read from /proc.
 * Taken before and after a timed step, the difference says where the step's CPU went.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function cpuByProcessType(name) {
  const out = {};
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline;
    let stat;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // Zygote children rewrite their command line as one space-separated string.
    const program = cmdline.split('\0')[0].split(' ')[0];
    if (program.split('/').at(-1) !== name) continue;
    const type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? 'browser';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out[type] = (out[type] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }
  return out;
}

/** after − before, per process type. */
export function cpuSpent(before, after) {
  return Object.fromEntries(Object.entries(after).map(([type, s]) => [type, s - (before[type] ?? 0)]));
}
