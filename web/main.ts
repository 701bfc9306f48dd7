/** The inspector page: open a file or URL, read it by ranges, and fill the views. */
import {
  describeBlob,
  diffArtifacts,
  isFnnxError,
  openBlob,
  openUrl,
  readArtifact,
  UsageError,
  readNewestCard,
  validate,
  type Descriptor,
  type NewOnnxOptions,
  type TarStore,
} from '../src/web/index.js';
import { buildFromOnnx, modelsOf } from './build-onnx.js';
import { setupUploadStep } from './upload-step.js';
import { formatRate, h, setText } from './dom.js';
import { setupTabs } from './tabs.js';
import { cardView, compareView, descriptorView, membersView, metadataView, runView, summaryView, validationView } from './views.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// The script runs: the message for a page opened from disk goes, and the page itself shows.
$('needs-server').hidden = true;
document.querySelectorAll<HTMLElement>('body > header, body > main').forEach((el) => (el.hidden = false));
const fileInput = $<HTMLInputElement>('file');
const urlForm = $<HTMLFormElement>('url-form');
const urlInput = $<HTMLInputElement>('url');
const status = $<HTMLParagraphElement>('status');
/** Each step's error line, beside the step: opening, building, validating, describing, uploading. */
const errorLines = {
  open: $<HTMLParagraphElement>('error'),
  build: $<HTMLParagraphElement>('build-error'),
  validate: $<HTMLParagraphElement>('validation-error'),
  describe: $<HTMLParagraphElement>('describe-error'),
  upload: $<HTMLParagraphElement>('upload-error'),
  compare: $<HTMLParagraphElement>('compare-error'),
  run: $<HTMLParagraphElement>('run-error'),
};
type Step = keyof typeof errorLines;
const views = $<HTMLDivElement>('views');
const describeButton = $<HTMLButtonElement>('describe');
const progress = $<HTMLProgressElement>('hash-progress');
const rateLabel = $<HTMLSpanElement>('hash-rate');
const strictBox = $<HTMLInputElement>('strict');
const onnxForm = $<HTMLFormElement>('onnx-form');
const onnxInput = $<HTMLInputElement>('onnx');
const producerVersionInput = $<HTMLInputElement>('new-producer-version');
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
  showError: (e, signal) => showError(e, 'upload', signal),
});
// What `fnnx-kit new` writes by default: this kit's name and version as the producer.
producerVersionInput.placeholder = __FNNX_KIT_VERSION__;

let current: AbortController | undefined;
let localFile: File | undefined;
/** The artifact on screen, which the strict switch validates again. */
let openedStore: TarStore | undefined;
/** The descriptor computed for the local file on screen: what the upload is checked against. */
let described: Descriptor | undefined;

/**
 * Every failure the user sees is one line beside the step that failed: the member, what is wrong,
 * the code, and a hint. A job that a newer one superseded (its signal aborted) shows nothing: its
 * failure is about what is no longer on screen. (Class names do not survive minification, so an
 * abort is known by its code, not by its name.)
 */
function showError(e: unknown, step: Step, signal?: AbortSignal): void {
  if (signal?.aborted || (e as Error)?.name === 'AbortError' || isFnnxError(e, 'ABORTED')) return;
  let line: string;
  if (isFnnxError(e)) {
    line = `${e.member ? `${e.member}: ` : ''}${e.message} (${e.code})${e.hint ? ` — ${e.hint}` : ''}`;
  } else {
    line = `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
  }
  setText(errorLines[step], line);
  errorLines[step].hidden = false;
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
  for (const line of Object.values(errorLines)) {
    line.hidden = true;
    line.textContent = '';
  }
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
  fill('comparison', []);
  fill('run-findings', []);
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
    const { member, html } = await readNewestCard(store, { signal });
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
    .catch((e: unknown) => showError(e, 'validate', signal));
});

// The Run step's code and ONNX Runtime itself load only when asked (a chunk of their own).
$<HTMLButtonElement>('run').addEventListener('click', () => {
  const store = openedStore;
  if (!store) return;
  const signal = begin('Running the models in ONNX Runtime…');
  fill('run-findings', []);
  import('./run-step.js')
    .then(({ runInPage }) => runInPage(store, signal))
    .then((found) => {
      if (signal.aborted) return;
      fill('run-findings', runView(found));
      setText(status, 'Ran.');
      document.body.dataset.state = 'ran';
    })
    .catch((e: unknown) => showError(e, 'run', signal));
});

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (!file) return;
  localFile = file;
  const signal = begin(`Reading ${file.name}…`, true);
  show(openBlob(file), file.name, signal).catch((e: unknown) => showError(e, 'open', signal));
});

/** The form's name, version and producer, as `fnnx-kit new` takes them; an empty field is left to the default. */
function newOptions(): NewOnnxOptions {
  const field = (id: string) => $<HTMLInputElement>(id).value.trim() || undefined;
  return {
    name: field('new-name'),
    version: field('new-version'),
    producerName: field('new-producer-name') ?? 'fnnx-kit',
    producerVersion: field('new-producer-version') ?? __FNNX_KIT_VERSION__,
  };
}

/** The models become an artifact, offered for download and opened in the views like a local file. */
onnxForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const files = Array.from(onnxInput.files ?? []);
  const { models } = modelsOf(files);
  if (models.length === 0) {
    return showError(new UsageError('NO_MODELS', 'pick one or more .onnx models first (their external data files beside them)'), 'build');
  }
  const signal = begin(`Building from ${models.map((m) => m.name).join(' → ')}…`, true);
  buildFromOnnx(files, newOptions(), signal)
    .then((artifact) => {
      if (signal.aborted) return;
      downloadLink.href = URL.createObjectURL(artifact);
      downloadLink.download = artifact.name;
      downloadLink.textContent = `Download ${artifact.name}`;
      downloadLink.hidden = false;
      localFile = artifact;
      return show(openBlob(artifact), artifact.name, signal);
    })
    .catch((e: unknown) => showError(e, 'build', signal));
});

urlForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = urlInput.value.trim();
  localFile = undefined;
  fileInput.value = '';
  const signal = begin('Fetching byte ranges…', true);
  openUrl(url, { signal })
    .then((store) => show(store, store.label, signal))
    .catch((e: unknown) => showError(e, 'open', signal));
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
    const rate = formatRate(done, (now - t0) / 1000);
    setText(rateLabel, `${Math.round((100 * done) / (total || 1))}%${rate ? ` · ${rate}` : ''}`);
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
    .catch((e: unknown) => showError(e, 'describe', signal))
    .finally(() => (describeButton.disabled = false));
});

/** The artifact on screen is the "before"; the one picked here the "after", read by ranges like any other. */
function compareWith(open: (signal: AbortSignal) => Promise<TarStore>, label: string): void {
  const before = openedStore;
  if (!before) return;
  const signal = begin(`Comparing with ${label}…`);
  fill('comparison', []);
  fill('run-findings', []);
  open(signal)
    .then((after) => diffArtifacts(before, after, { signal }))
    .then((report) => {
      if (signal.aborted) return;
      fill('comparison', compareView(report));
      setText(status, `Compared: ${report.counts.breaking} breaking, ${report.counts.compatible} compatible, ${report.counts.info} info.`);
      document.body.dataset.state = 'compared';
    })
    .catch((e: unknown) => showError(e, 'compare', signal));
}

$<HTMLInputElement>('compare-file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) compareWith(async () => openBlob(file), file.name);
});

$<HTMLFormElement>('compare-url-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const url = $<HTMLInputElement>('compare-url').value.trim();
  compareWith((signal) => openUrl(url, { signal }), url);
});
