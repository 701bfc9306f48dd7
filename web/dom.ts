/**
 * Tiny DOM builders: the page has no framework, and text always goes in as text, never as HTML.
 * Every string child is shown through `printable`: names from an artifact may hold controls and
 * bidi overrides (`bidi\u202egnp.exe` would read as an .png), and here they show as escapes.
 */
import { printable } from '../src/web/index.js';

export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false)
      el.append(typeof c === 'number' ? String(c) : typeof c === 'string' ? printable(c) : c);
  return el;
}

/** Our own multi-line text (the descriptor's JSON), already made safe by the caller: not escaped again. */
export function preformatted(safeText: string): Text {
  return document.createTextNode(safeText);
}

/** Sets an element's whole text, escaped like every string child of h(). */
export function setText(el: HTMLElement, text: string): void {
  el.textContent = printable(text);
}

/** A data table with a caption and column headers; `testid` names it for tests and screenshots. */
export function table(caption: string, headers: string[], rows: Child[][], testid: string): HTMLTableElement {
  return h(
    'table',
    { 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

/** Key/value pairs as a description list. */
export function facts(pairs: Array<[string, Child]>, testid: string): HTMLDListElement {
  return h('dl', { class: 'facts', 'data-testid': testid }, ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function code(text: string): HTMLElement {
  return h('code', {}, text);
}

export function empty(text: string): HTMLParagraphElement {
  return h('p', { class: 'empty' }, text);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "1.5 GiB", with the exact byte count left to a title attribute by callers. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`;
}

/**
 * "12.5 MiB/s", in the unit that fits; nothing before a second has passed, as the CLI's progress
 * does: over less, the rate is mostly start-up (a worker, a first read), and a small file's
 * "0 MiB/s" says nothing.
 */
export function formatRate(bytes: number, seconds: number): string {
  return seconds < 1 ? '' : `${formatBytes(Math.round(bytes / seconds))}/s`;
}

export function bytes(n: number): HTMLElement {
  return h('span', { title: `${n.toLocaleString('en')} bytes`, 'data-bytes': String(n) }, formatBytes(n));
}
