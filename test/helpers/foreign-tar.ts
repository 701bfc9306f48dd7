/**
 * Foreign tar writers and readers for the interop tests: GNU tar and Python's tarfile, run for
 * real on trees built here in temp dirs. Nothing is mocked; every archive is made fresh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';

/** GNU tar's formats; v7 is extra (short ASCII names only). */
export type GnuFormat = 'gnu' | 'oldgnu' | 'ustar' | 'posix' | 'v7';
export type PythonFormat = 'USTAR' | 'GNU' | 'PAX';

/** One member as Python's tarfile sees it (names surrogate-escaped where not UTF-8, as it does). */
export interface PyMember {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo' | 'other';
  offset: number;
  offsetData: number;
  size: number;
  linkname: string;
  sparse: boolean;
}

const C_UTF8 = { ...process.env, LC_ALL: 'C.UTF-8' };

/** Names over 100 bytes that ustar can still hold by splitting at a slash (prefix + name). */
export const SPLITTABLE = `nested/${'n'.repeat(60)}/${'f'.repeat(60)}.bin`;
/** One path component over 100 bytes: ustar cannot split it. */
export const LONG_COMPONENT = `${'x'.repeat(120)}.json`;
/** A path over 255 bytes: beyond ustar's prefix+name. */
export const OVER_255 = `${'p'.repeat(150)}/${'q'.repeat(150)}.onnx`;
export const NON_ASCII = 'ünïcødé/модель-名前.json';
/** Bytes that are not UTF-8 (0xff 0xfe): Python surrogate-escapes them. */
export const NON_UTF8 = Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]);

export interface TreeOptions {
  /** Add names ustar cannot hold (one >100-byte component, a >255-byte path). */
  long?: boolean;
  /** Add a file whose name is not valid UTF-8. */
  nonUtf8?: boolean;
  /** Add a 1 MiB file with holes (archived as sparse only with GNU tar -S). */
  sparse?: boolean;
}

/**
 * Builds the test tree and returns the top-level names to archive, in a fixed order. Contents are
 * sized off block boundaries so a wrong offset shows.
 */
export function buildTree(root: string, options: TreeOptions = {}): string[] {
  const put = (rel: string, data: string | Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), data);
  };
  put('manifest.json', JSON.stringify({ variant: 'pipeline', name: 'tree' }));
  put('ops_artifacts/main/model.onnx', Buffer.alloc(1000, 7));
  put('empty.txt', '');
  put(SPLITTABLE, 'splittable');
  put(NON_ASCII, '{"ü": 1}');
  mkdirSync(join(root, 'emptydir'));
  symlinkSync('manifest.json', join(root, 'link-to-manifest'));
  linkSync(join(root, 'manifest.json'), join(root, 'hard-manifest.json'));
  const names = ['manifest.json', 'ops_artifacts', 'empty.txt', 'nested', 'ünïcødé', 'emptydir', 'link-to-manifest', 'hard-manifest.json'];
  if (options.long) {
    put(LONG_COMPONENT, 'long component');
    put(OVER_255, Buffer.alloc(700, 1));
    names.push(LONG_COMPONENT, OVER_255.split('/')[0]!);
  }
  if (options.nonUtf8) {
    writeFileSync(Buffer.concat([Buffer.from(`${root}/`), NON_UTF8]), 'not utf-8 named');
    names.push(NON_UTF8.toString('latin1'));
  }
  if (options.sparse) {
    // Six data runs: more than the four an old-GNU sparse header holds, so it needs extension blocks.
    const fd = openSync(join(root, 'sparse.bin'), 'w');
    for (let run = 0; run < 6; run++) writeSync(fd, Buffer.from(`run${run}`), 0, 4, run * 192 * 1024);
    ftruncateSync(fd, 1 << 20);
    closeSync(fd);
    put('after-sparse.json', '{"after": true}');
    names.push('sparse.bin', 'after-sparse.json');
  }
  return names;
}

/**
 * Names as a NUL-separated byte list (argv cannot carry the non-UTF-8 name, so both writers read
 * their names from this list).
 */
function nameList(names: string[]): Buffer {
  const raw = (n: string) => (n === NON_UTF8.toString('latin1') ? NON_UTF8 : Buffer.from(n));
  return Buffer.concat(names.flatMap((n) => [raw(n), Buffer.from([0])]));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs GNU tar in `cwd`; does not throw on a non-zero exit (some tests expect one). */
export function gnuTar(args: string[], cwd: string, input?: Buffer): RunResult {
  const r = spawnSync('tar', args, { cwd, env: C_UTF8, input, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** `tar -c` (or `-r` to append) of `names` under `root` into `archive`, in one GNU format. */
export function gnuTarWrite(
  archive: string,
  root: string,
  names: string[],
  format: GnuFormat,
  options: { append?: boolean; sparse?: boolean; extra?: string[] } = {},
): RunResult {
  const args = [
    options.append ? '-r' : '-c',
    '-f',
    archive,
    `--format=${format}`,
    ...(options.sparse ? ['-S'] : []),
    ...(options.extra ?? []),
  ];
  return gnuTar([...args, '--null', '-T', '-'], root, nameList(names));
}

const PY_WRITE = `
import json, os, sys, tarfile
archive, root, fmt, mode, pax = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
names = [os.fsdecode(n) for n in sys.stdin.buffer.read().split(b"\\0") if n]
kw = {"format": getattr(tarfile, fmt + "_FORMAT")}
if pax: kw["pax_headers"] = pax
os.chdir(root)
with tarfile.open(archive, mode, **kw) as t:
    for n in names:
        t.add(n)
`;

/** Python's tarfile writing `names` (recursively) in one format; mode 'a' appends. Throws on refusal. */
export function pythonWrite(
  archive: string,
  root: string,
  names: string[],
  format: PythonFormat,
  options: { append?: boolean; paxHeaders?: Record<string, string> } = {},
): void {
  execFileSync('python3', ['-c', PY_WRITE, archive, root, format, options.append ? 'a' : 'w', JSON.stringify(options.paxHeaders ?? {})], {
    input: nameList(names),
    env: C_UTF8,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

const PY_MEMBERS = `
import json, sys, tarfile
def kind(m):
    for k, f in (("file", m.isreg), ("directory", m.isdir), ("symlink", m.issym), ("hardlink", m.islnk),
                 ("chardev", m.ischr), ("blockdev", m.isblk), ("fifo", m.isfifo)):
        if f(): return k
    return "other"
with tarfile.open(sys.argv[1]) as t:
    members = [dict(name=m.name, kind=kind(m), offset=m.offset, offsetData=m.offset_data, size=m.size,
                    linkname=m.linkname, sparse=m.sparse is not None) for m in t.getmembers()]
    index = {m.name: [m.offset_data, m.size] for m in t.getmembers() if m.isfile()}
sys.stdout.write(json.dumps(dict(members=members, index=index)))
`;

export interface PythonReading {
  /** Every member tarfile lists, in archive order (no last-wins). */
  members: PyMember[];
  /** The registry client's file_index, computed as test/helpers/python.ts does (one process for both). */
  index: Record<string, [number, number]>;
}

export function pythonRead(archive: string): PythonReading {
  return JSON.parse(
    execFileSync('python3', ['-c', PY_MEMBERS, archive], { encoding: 'utf8', env: C_UTF8, stdio: ['pipe', 'pipe', 'pipe'] }),
  ) as PythonReading;
}
