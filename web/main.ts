/** The inspector page: open a file or URL, read it by ranges, and fill the views. */
import {
  describeBlob,
  isFnnxError,
  openBlob,
  openUrl,
  readArtifact,
  readNewestCard,
  validate,
  type Descriptor,
  type TarStore,
} from '../src/web/index.js';
import { buildFromOnnx, modelsOf } from './build-onnx.js';
import { setupUploadStep } from './upload-step.js';
import { h, setText } from './dom.js';
import { setupTabs } from './tabs.js';
import { cardView, descriptorView, membersView, metadataView, summaryView, validationView } from './views.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const fileInput = $<HTMLInputElement>('file');
const urlForm = $<HTMLFormElement>('url-form');
const urlInput = $<HTMLInputElement>('url');
const status = $<HTMLParagraphElement>('status');
const errorLine = $<HTMLParagraphElement>('error');
const views = $<HTMLDivElement>('views');
const describeButton = $<HTMLButtonElement>('describe');
const progress = $<HTMLProgressElement>('hash-progress');
const rateLabel = $<HTMLSpanElement>('hash-rate');
const strictBox = $<HTMLInputElement>('strict');
const onnxInput = $<HTMLInputElement>('onnx');
const downloadLink = $<HTMLAnchorElement>('download');
const selectTab = setupTabs($('tabs'));
const uploadStep = setupUploadStep({
  file: () => localFile,
  descriptor: () => described,
  begin: (message) => begin(message),
  done: (message, state) => {
    status.textContent = message;
    document.body.dataset.state = state;
  },
  showError: (e) => showError(e),
});

let current: AbortController | undefined;
let localFile: File | undefined;
/** The artifact on screen, which the strict switch validates again. */
let openedStore: TarStore | undefined;
/** The descriptor computed for the local file on screen: what the upload is checked against. */
let described: Descriptor | undefined;

/** Every failure the user sees is one line: the member, what is wrong, the code, and a hint. */
function showError(e: unknown): void {
  if ((e as Error)?.name === 'AbortError') return;
  let line: string;
  if (isFnnxError(e)) {
    line = `${e.member ? `${e.member}: ` : ''}${e.message} (${e.code})${e.hint ? ` — ${e.hint}` : ''}`;
  } else {
    line = `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
  }
  setText(errorLine, line);
  errorLine.hidden = false;
  setText(status, '');
  document.body.dataset.state = 'error';
}

function fill(id: string, nodes: Node[]): void {
  $(id).replaceChildren(...nodes);
}

/**
 * Starts a new job, cancelling whatever the previous one was still doing. Opening another
 * artifact also clears the views, so a failure never leaves the last artifact's tables on screen.
 */
function begin(message: string, newArtifact = false): AbortSignal {
  current?.abort();
  if (newArtifact) {
    views.hidden = true;
    openedStore = undefined;
    // A link to the last built artifact would read as a link to the one opened next.
    if (downloadLink.href) URL.revokeObjectURL(downloadLink.href);
    downloadLink.hidden = true;
  }
  current = new AbortController();
  errorLine.hidden = true;
  setText(status, message);
  document.body.dataset.state = 'busy';
  return current.signal;
}

async function show(store: TarStore, label: string, signal: AbortSignal): Promise<void> {
  const t0 = performance.now();
  const contents = await readArtifact(store, { signal });
  if (signal.aborted) return;
  fill('panel-summary', summaryView(contents, label, store.source.byteLength));
  fill('panel-metadata', metadataView(contents));
  fill('panel-members', membersView(contents));
  fill('validation', [h('p', { class: 'empty' }, 'Validating…')]);
  describeButton.disabled = !localFile;
  fill('descriptor', localFile ? [] : [h('p', { class: 'empty' }, 'Open a local file to compute its upload descriptor.')]);
  described = undefined;
  uploadStep.reset();
  progress.value = 0;
  setText(rateLabel, '');
  views.hidden = false;
  selectTab('tab-summary');
  await showCard(store, signal);
  await showValidation(store, signal);
  const ms = performance.now() - t0;
  setText(status, `${label}: ${contents.members.length} members read in ${ms.toFixed(0)} ms.`);
  document.body.dataset.state = 'ready';
}

/** A broken card is reported in its own panel; the rest of the artifact stays on screen. */
async function showCard(store: TarStore, signal: AbortSignal): Promise<void> {
  try {
    const { member, html } = await readNewestCard(store, {}, { signal });
    fill('panel-card', cardView(new TextDecoder('utf-8').decode(html), member));
  } catch (e) {
    if (isFnnxError(e, 'NO_MODEL_CARD')) return fill('panel-card', cardView(undefined, undefined));
    if (!isFnnxError(e)) throw e;
    fill('panel-card', [h('p', { class: 'error', role: 'alert' }, `${e.member ?? 'model card'}: ${e.message} (${e.code})`)]);
  }
}

/** The validator's report; a local file also gets the registry's upload rules (name, size). */
async function showValidation(store: TarStore, signal: AbortSignal): Promise<void> {
  openedStore = store;
  const upload = localFile ? { fileName: localFile.name, size: localFile.size, form: 'tar' as const } : undefined;
  const report = await validate(store, { strict: strictBox.checked, upload, signal });
  if (!signal.aborted) fill('validation', validationView(report, !!upload));
}

strictBox.addEventListener('change', () => {
  if (!openedStore) return;
  const signal = begin('Validating…');
  showValidation(openedStore, signal)
    .then(() => {
      setText(status, 'Validated.');
      document.body.dataset.state = 'ready';
    })
    .catch(showError);
});

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  localFile = file;
  const signal = begin(`Reading ${file.name}…`, true);
  show(openBlob(file), file.name, signal).catch(showError);
});

/** The models become an artifact, offered for download and opened in the views like a local file. */
onnxInput.addEventListener('change', () => {
  const files = Array.from(onnxInput.files ?? []);
  const { models } = modelsOf(files);
  if (models.length === 0) return;
  const signal = begin(`Building from ${models.map((m) => m.name).join(' → ')}…`, true);
  buildFromOnnx(files, signal)
    .then((artifact) => {
      if (signal.aborted) return;
      downloadLink.href = URL.createObjectURL(artifact);
      downloadLink.download = artifact.name;
      downloadLink.textContent = `Download ${artifact.name}`;
      downloadLink.hidden = false;
      localFile = artifact;
      return show(openBlob(artifact), artifact.name, signal);
    })
    .catch(showError);
});

urlForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = urlInput.value.trim();
  localFile = undefined;
  fileInput.value = '';
  const signal = begin('Fetching byte ranges…', true);
  openUrl(url, { signal })
    .then((store) => show(store, store.label, signal))
    .catch(showError);
});

describeButton.addEventListener('click', () => {
  const file = localFile;
  if (!file) return;
  const signal = begin(`Hashing ${file.name}…`);
  describeButton.disabled = true;
  fill('descriptor', []);
  const t0 = performance.now();
  let shownAt = -Infinity;
  const onProgress = (done: number, total: number) => {
    // Repaint at most ten times a second: every repaint costs the renderer CPU that the hashing
    // shares the machine's cores with, and a bar updated per 1/256 of the file repainted at
    // frame rate while a worker hashed.
    const now = performance.now();
    if (now - shownAt < 100 && done !== total) return;
    shownAt = now;
    progress.value = total ? done / total : 1;
    const s = (now - t0) / 1000;
    setText(rateLabel, `${Math.round((100 * done) / (total || 1))}% · ${(done / 1048576 / Math.max(s, 1e-3)).toFixed(0)} MiB/s`);
  };
  // ?worker=0 hashes on the page's own thread: bench/web-hash.mjs compares the two.
  const worker = new URLSearchParams(location.search).get('worker') !== '0';
  describeBlob(file, file.name, { signal, onProgress, worker })
    .then(({ descriptor }) => {
      described = descriptor;
      uploadStep.reset();
      const seconds = (performance.now() - t0) / 1000;
      fill('descriptor', descriptorView(descriptor, seconds));
      setText(status, `${file.name}: descriptor computed.`);
      document.body.dataset.state = 'described';
    })
    .catch(showError)
    .finally(() => (describeButton.disabled = false));
});
