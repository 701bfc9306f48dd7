/** Renders what the reader found into the page's panels: one function per view. */
import type { ArtifactContents, Descriptor, Diagnostic, DiffReport, Json, MemberInfo, ValidationReport } from '../src/web/index.js';
import { printableJson } from '../src/web/index.js';
import { bytes, code, empty, facts, formatRate, h, preformatted, table, type Child } from './dom.js';

type JsonObject = { [key: string]: Json };

// The reader types documents by their schema but checks only JSON types: the page trusts no shape.
const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const obj = (v: unknown): JsonObject => (isObj(v) ? v : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : []);
const tags = (v: unknown): Child => {
  const list = arr(v).filter((t): t is string => typeof t === 'string');
  return list.length ? h('span', { class: 'tags' }, ...list.map((t) => h('span', { class: 'tag' }, t))) : '—';
};

export function summaryView(a: ArtifactContents, label: string, size: number): Node[] {
  const m = a.manifest;
  const io = (dir: string, list: Json[]) =>
    list.map((e) => {
      const x = obj(e);
      return [dir, code(text(x.name)), text(x.content_type), code(text(x.dtype)), code(text(x.shape)), tags(x.tags)];
    });
  const ops = a.ops.map((op) => {
    const x = obj(op);
    const sig = (list: Json | undefined) =>
      arr(list)
        .map((p) => `${text(obj(p).dtype)} ${text(obj(p).shape)}`)
        .join(', ') || '—';
    const opsets = arr(obj(x.attributes).opsets)
      .map((o) => `${text(obj(o).domain)} ${text(obj(o).version)}`)
      .join(', ');
    return [code(text(x.id)), text(x.op), sig(x.inputs), sig(x.outputs), opsets || '—'];
  });
  return [
    h('h2', {}, 'Manifest'),
    facts(
      [
        ['Name', text(m.name)],
        ['Version', text(m.version)],
        ['Variant', code(text(m.variant))],
        ['Description', text(m.description)],
        ['Producer', `${text(m.producer_name)} ${text(m.producer_version)}`],
        ['Producer tags', tags(m.producer_tags)],
        ['Patches applied', a.patches.length ? a.patches.join(', ') : 'none'],
        ['Environments', Object.keys(a.env).join(', ') || 'none'],
        ['Custom dtypes', Object.keys(a.dtypes).join(', ') || 'none'],
        ['Source', label],
        ['Size', bytes(size)],
      ],
      'manifest-summary',
    ),
    table(
      'Inputs and outputs',
      ['Direction', 'Name', 'Content type', 'Dtype', 'Shape', 'Tags'],
      [...io('input', arr(m.inputs)), ...io('output', arr(m.outputs))],
      'io-table',
    ),
    a.ops.length ? table('Ops', ['Id', 'Op', 'Inputs', 'Outputs', 'Opsets'], ops, 'ops-table') : empty('This artifact declares no ops.'),
    ...warningsView(a),
  ];
}

function warningsView(a: ArtifactContents): Node[] {
  if (!a.warnings.length) return [];
  return [
    h('h3', {}, 'Reader warnings'),
    h(
      'ul',
      { class: 'warnings', 'data-testid': 'reader-warnings' },
      ...a.warnings.map((w) => h('li', {}, `${w.member ? `${w.member}: ` : ''}${w.message} (${w.code})`)),
    ),
  ];
}

export function metadataView(a: ArtifactContents): Node[] {
  const rows = a.metadata.map((m) => {
    const e = m.entry;
    const shape = m.conforms ? 'conforms' : m.legacy ? 'legacy {id, tags, payload}' : 'incomplete';
    return [
      code(text(e.id)),
      text(e.producer),
      tags(m.tags),
      Object.keys(obj(e.payload)).join(', ') || '—',
      `${m.member} #${m.index}`,
      shape,
    ];
  });
  const metrics = Object.entries(a.metrics).map(([k, v]) => [code(k), text(v)]);
  return [
    rows.length
      ? table('Metadata entries', ['Id', 'Producer', 'Tags', 'Payload keys', 'From', 'Shape'], rows, 'metadata-table')
      : empty('No metadata entries.'),
    metrics.length
      ? table('Metrics (as the registry extracts them)', ['Metric', 'Value'], metrics, 'metrics-table')
      : empty('No metrics: the registry would record {}.'),
  ];
}

interface Dir {
  dirs: Map<string, Dir>;
  files: MemberInfo[];
  size: number;
  count: number;
}

function tree(members: MemberInfo[]): Dir {
  const root: Dir = { dirs: new Map(), files: [], size: 0, count: 0 };
  for (const m of members) {
    if (m.kind === 'directory') continue;
    const parts = m.name.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      dir.size += m.size;
      dir.count++;
      let next = dir.dirs.get(part);
      if (!next) dir.dirs.set(part, (next = { dirs: new Map(), files: [], size: 0, count: 0 }));
      dir = next;
    }
    dir.size += m.size;
    dir.count++;
    dir.files.push(m);
  }
  return root;
}

function dirNode(dir: Dir, depth: number): HTMLUListElement {
  const items: Node[] = [];
  for (const [name, sub] of dir.dirs) {
    const details = h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'name' }, `${name}/`),
        ' ',
        bytes(sub.size),
        h('span', { class: 'muted' }, ` · ${sub.count} file${sub.count === 1 ? '' : 's'}`),
      ),
      dirNode(sub, depth + 1),
    );
    details.open = depth < 2;
    items.push(h('li', { class: 'dir' }, details));
  }
  for (const f of dir.files) {
    const note = f.kind === 'file' ? (f.dataOffset === undefined ? '' : ` · at ${f.dataOffset}`) : ` · ${f.kind}`;
    items.push(
      h(
        'li',
        { class: 'file', 'data-member': f.name },
        h('span', { class: 'name' }, f.name.split('/').pop()!),
        ' ',
        bytes(f.size),
        h('span', { class: 'muted' }, note),
      ),
    );
  }
  return h('ul', {}, ...items);
}

export function membersView(a: ArtifactContents): Node[] {
  const root = tree(a.members);
  return [
    h('p', {}, `${root.count} members, `, bytes(root.size), ' of member data. Offsets are where each member’s data starts in the tar.'),
    h('div', { class: 'tree', 'data-testid': 'member-tree' }, dirNode(root, 0)),
  ];
}

export function cardView(html: string | undefined, member: string | undefined): Node[] {
  if (!member) return [empty('No model card (meta_artifacts/<id>/model_card.zip) in this artifact.')];
  // An empty sandbox: no scripts, forms, popups or same-origin access for the card's HTML.
  const frame = h('iframe', { sandbox: '', title: 'Model card', referrerpolicy: 'no-referrer', 'data-testid': 'card-frame' });
  frame.srcdoc = html ?? '';
  return [h('p', {}, 'From ', code(member), ' (index.html, shown without scripts).'), frame];
}

export function descriptorView(d: Descriptor, seconds: number): Node[] {
  // file_index pairs on one line each: [offset, size] reads better than four lines.
  const json = JSON.stringify(d, null, 2).replace(/\[\s+(\d+),\s+(\d+)\s+\]/g, '[$1, $2]');
  const download = h('a', { download: `${d.file_name}.descriptor.json`, class: 'button' }, 'Download JSON');
  download.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const rate = formatRate(d.size, seconds);
  return [
    facts(
      [
        ['file_name', code(d.file_name)],
        ['file_hash (SHA-256)', h('code', { 'data-testid': 'file-hash' }, d.file_hash)],
        ['size', bytes(d.size)],
        ['members indexed', String(Object.keys(d.file_index).length)],
        [
          'hashed in',
          h(
            'span',
            { 'data-testid': 'hash-seconds', 'data-seconds': String(seconds) },
            `${seconds.toFixed(2)} s${rate ? ` (${rate})` : ''}`,
          ),
        ],
      ],
      'descriptor-facts',
    ),
    download,
    h('pre', { 'data-testid': 'descriptor-json', tabindex: '0', 'aria-label': 'Descriptor JSON' }, preformatted(printableJson(json))),
  ];
}

export function validationView(r: ValidationReport, uploadRules: boolean): Node[] {
  const { error, warning, info } = r.counts;
  const verdict = `${r.valid ? 'Sound' : 'Broken'}: ${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}, ${info} note${info === 1 ? '' : 's'}`;
  return [
    h('p', { class: `verdict ${r.valid ? 'ok' : 'bad'}`, 'data-testid': 'validation-verdict' }, verdict),
    h(
      'p',
      { class: 'muted' },
      `Every rule of the format${r.strict ? ', strict (warnings count as errors)' : ''}${uploadRules ? ', plus the registry’s upload rules' : ''}; ONNX models checked by range against their declarations.`,
    ),
    findingsTable(r.diagnostics, 'validation-table'),
  ];
}

/** The Run step's findings (`validate --run`'s): a verdict by errors, then the table. */
export function runView(found: readonly Diagnostic[]): Node[] {
  const errors = found.filter((d) => d.severity === 'error').length;
  const verdict = errors ? `Runs badly: ${errors} error${errors === 1 ? '' : 's'}` : 'Runs: every ONNX op loaded and the pipeline ran';
  return [h('p', { class: `verdict ${errors ? 'bad' : 'ok'}`, 'data-testid': 'run-verdict' }, verdict), findingsTable(found, 'run-table')];
}

function findingsTable(found: readonly Diagnostic[], testid: string): Node {
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...found].sort((a, b) => order[a.severity] - order[b.severity] || (a.member ?? '').localeCompare(b.member ?? ''));
  const rows = sorted.map((d) => [
    h('span', { class: `sev-${d.severity}` }, d.severity),
    code(d.code),
    d.member ?? '(artifact)',
    d.pointer ? code(d.pointer) : '—',
    d.message,
  ]);
  return rows.length ? table('Diagnostics', ['Severity', 'Code', 'Member', 'Pointer', 'Message'], rows, testid) : empty('No findings.');
}

/** Rows the compare table shows; a diff of two huge artifacts lists its first changes and a count. */
const COMPARE_ROWS_MAX = 1000;

/** A diff report: the counts, then each change with its before and after side by side. */
export function compareView(r: DiffReport): Node[] {
  const value = (v: Json) => (v === null ? '—' : code(text(v)));
  const rows = r.changes
    .slice(0, COMPARE_ROWS_MAX)
    .map((c) => [h('span', { class: `kind-${c.kind}` }, c.kind), code(c.rule), code(c.path), value(c.before), value(c.after)]);
  return [
    facts(
      [
        ['Before', r.old],
        ['After', r.new],
        ['Breaking', r.counts.breaking],
        ['Compatible', r.counts.compatible],
        ['Info', r.counts.info],
      ],
      'compare-summary',
    ),
    r.changes.length
      ? table('Changes', ['Kind', 'Rule', 'Path', 'Before', 'After'], rows, 'compare-table')
      : empty('No changes: the two artifacts declare the same things and hold members of the same names and sizes.'),
    r.changes.length > COMPARE_ROWS_MAX ? empty(`… and ${r.changes.length - COMPARE_ROWS_MAX} more changes.`) : null,
  ].filter((n) => n !== null);
}
