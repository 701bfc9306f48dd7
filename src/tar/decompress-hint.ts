/**
 * The hint for a compressed artifact: a command that works as typed. `gunzip x.fnnx` does not (it
 * refuses a name without .gz), so the hint streams with `-dc` into a new name beside the input.
 */
export type Compression = 'gzip' | 'bzip2' | 'xz' | 'zstd';

const SUFFIXES: Readonly<Record<Compression, RegExp>> = {
  gzip: /\.(gz|tgz)$/i,
  bzip2: /\.(bz2|tbz2?)$/i,
  xz: /\.(xz|txz)$/i,
  zstd: /\.(zst|tzst)$/i,
};

/** A word the shell passes through unchanged, quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Where the plain tar goes: the name without its compression suffix, or `<name>.plain.fnnx`-style beside it. */
export function decompressedName(path: string, tool: Compression): string {
  const stripped = path.replace(SUFFIXES[tool], (m) => (/^\.t/i.test(m) ? '.tar' : ''));
  if (stripped !== path && stripped !== '') return stripped;
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return dot > slash + 1 ? `${path.slice(0, dot)}.plain${path.slice(dot)}` : `${path}.plain`;
}

export function decompressHint(label: string, tool: Compression): string {
  if (/^https?:\/\//i.test(label)) {
    const name = decodeURIComponent(new URL(label).pathname.split('/').filter(Boolean).at(-1) ?? 'artifact');
    return `FNNX artifacts are never compressed; download and decompress it: curl -fL ${shellWord(label)} | ${tool} -dc > ${shellWord(decompressedName(name, tool))}`;
  }
  return `FNNX artifacts are never compressed; decompress it: ${tool} -dc ${shellWord(label)} > ${shellWord(decompressedName(label, tool))}`;
}
