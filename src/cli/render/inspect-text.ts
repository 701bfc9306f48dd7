import type { ArtifactContents } from '../../artifact/reader.js';
import { isObject, type Json } from '../../artifact/json-member.js';
import { formatBytes, table } from './table.js';

const str = (v: Json | undefined): string => (v === undefined || v === null ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** The human summary `inspect` prints. */
export function renderInspect(a: ArtifactContents, label: string): string {
  const m = a.manifest;
  let out = `${label}\n`;
  out += `  variant   ${str(m.variant)}\n  name      ${str(m.name)}\n  version   ${str(m.version)}\n`;
  out += `  producer  ${str(m.producer_name)} ${str(m.producer_version)}\n`;
  out += `  tags      ${Array.isArray(m.producer_tags) && m.producer_tags.length ? m.producer_tags.map(str).join(', ') : '-'}\n`;
  if (a.patches.length) out += `  patches   ${a.patches.join(', ')}\n`;
  out += section('Inputs / outputs', ioRows(a));
  out += section('Ops', a.ops.length ? table(['id', 'op'], a.ops.map((o) => [str(field(o, 'id')), str(field(o, 'op'))])) : '');
  out += section(
    'Metadata',
    a.metadata.length ? table(['id', 'tags', 'from'], a.metadata.map((e) => [str(e.entry.id), e.tags.join(', ') || '-', e.member])) : '',
  );
  out += section('Metrics', Object.keys(a.metrics).length ? table(['metric', 'value'], Object.entries(a.metrics).map(([k, v]) => [k, str(v)])) : '');
  out += section('Members', memberTree(a));
  out += section('Warnings', a.warnings.map((w) => `  ${w.member ? `${w.member}: ` : ''}${w.message} (${w.code})\n`).join(''));
  return out;
}

function section(title: string, body: string): string {
  return `\n${title}\n${body || '  (none)\n'}`;
}

function field(v: unknown, key: string): Json | undefined {
  return isObject(v) ? v[key] : undefined;
}

function ioRows(a: ArtifactContents): string {
  const rows: string[][] = [];
  for (const dir of ['inputs', 'outputs'] as const) {
    const list = a.manifest[dir];
    if (!Array.isArray(list)) continue;
    for (const io of list) {
      rows.push([dir.slice(0, -1), str(field(io, 'name')), str(field(io, 'content_type')), str(field(io, 'dtype')), str(field(io, 'shape'))]);
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
