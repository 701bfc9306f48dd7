import type { ArtifactContents } from '../../artifact/reader.js';
import { isObject, type Json } from '../../artifact/json-member.js';
import { ignoredMetrics, metricsSource } from '../../artifact/metrics.js';
import { line } from '../../safety/printable.js';
import { clip, formatBytes, shortList, table, TEXT_LIST_MAX } from './table.js';

const str = (v: Json | undefined): string => (v === undefined || v === null ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** The human summary `inspect` prints; long lists show their first rows and a count. */
export function renderInspect(a: ArtifactContents, label: string): string {
  const m = a.manifest;
  let out = line`${label}\n`;
  // Header fields are clipped as table cells are: a manifest's name is the artifact's choice too.
  const shown = (v: Json | undefined) => clip(str(v));
  out += line`  variant   ${shown(m.variant)}\n  name      ${shown(m.name)}\n  version   ${shown(m.version)}\n`;
  out += line`  producer  ${shown(m.producer_name)} ${shown(m.producer_version)}\n`;
  out += line`  tags      ${Array.isArray(m.producer_tags) && m.producer_tags.length ? firstFew(m.producer_tags.map(str)) : '-'}\n`;
  if (a.patches.length) out += line`  patches   ${firstFew(a.patches)}\n`;
  out += section('Inputs / outputs', ioRows(a));
  out += section(
    'Ops',
    a.ops.length
      ? table(
          ['id', 'op'],
          a.ops.map((o) => [str(field(o, 'id')), str(field(o, 'op'))]),
        )
      : '',
  );
  out += section('Metadata', metadataRows(a));
  out += section(
    'Metrics',
    Object.keys(a.metrics).length
      ? table(
          ['metric', 'value'],
          Object.entries(a.metrics).map(([k, v]) => [k, str(v)]),
        )
      : '',
  );
  out += section('Members', memberTree(a));
  out += section('Warnings', shortList(a.warnings.map((w) => line`${w.member ? `${w.member}: ` : ''}${w.message} (${w.code})`)));
  return out;
}

/** The entries, and when metrics entries repeat, which one readers show and which they ignore. */
function metadataRows(a: ArtifactContents): string {
  if (!a.metadata.length) return '';
  const tags = Array.isArray(a.manifest.producer_tags) ? a.manifest.producer_tags.filter((t) => typeof t === 'string') : [];
  const ignored = ignoredMetrics(a.metadata);
  const rows = a.metadata.map((e) => [str(e.entry.id), firstFew(e.tags) || '-', e.member]);
  if (!ignored.length) return table(['id', 'tags', 'from'], rows);
  const shown = metricsSource(tags, a.metadata)?.entry;
  const skip = new Set(ignored.map((x) => x.ignored));
  const note = (i: number) =>
    a.metadata[i] === shown ? 'metrics shown' : skip.has(a.metadata[i]!) ? 'ignored: an earlier one is shown' : '';
  return table(
    ['id', 'tags', 'from', 'note'],
    rows.map((r, i) => [...r, note(i)]),
  );
}

/** A comma-separated list of at most TEXT_LIST_MAX items, with the count of the rest. */
function firstFew(items: readonly string[]): string {
  const head = items
    .slice(0, TEXT_LIST_MAX)
    .map((i) => clip(i))
    .join(', ');
  return items.length > TEXT_LIST_MAX ? `${head}, … (${items.length} in all; use --json for all)` : head;
}

function section(title: string, body: string): string {
  return `\n${title}\n${body || '  (none)\n'}`;
}

function field(v: unknown, key: string): Json | undefined {
  return isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined;
}

function ioRows(a: ArtifactContents): string {
  const rows: string[][] = [];
  for (const dir of ['inputs', 'outputs'] as const) {
    const list = a.manifest[dir];
    if (!Array.isArray(list)) continue;
    for (const io of list) {
      rows.push([
        dir.slice(0, -1),
        str(field(io, 'name')),
        str(field(io, 'content_type')),
        str(field(io, 'dtype')),
        str(field(io, 'shape')),
      ]);
    }
  }
  return rows.length ? table(['', 'name', 'content', 'dtype', 'shape'], rows) : '';
}

function memberTree(a: ArtifactContents): string {
  const files = a.members.filter((m) => m.kind !== 'directory');
  return table(
    ['size', 'path'],
    files.map((f) => [f.kind === 'file' ? formatBytes(f.size) : f.kind, f.name]),
  );
}
