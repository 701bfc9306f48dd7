import { execFileSync } from 'node:child_process';

/** Python's tarfile as the reference reader: {name: [offset_data, size]} for regular files, last wins. */
export function pythonFileIndex(path: string): Record<string, [number, number]> {
  const script = [
    'import json, sys, tarfile',
    'with tarfile.open(sys.argv[1]) as t:',
    '    idx = {m.name: [m.offset_data, m.size] for m in t.getmembers() if m.isfile()}',
    'sys.stdout.write(json.dumps(idx))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, [number, number]>;
}
