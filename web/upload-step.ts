/**
 * The page's last step: pasted upload details (the registry's create answer, or its part URLs)
 * and the descriptor just computed; the file goes up in parts straight from disk, and is only
 * completed when its SHA-256 is the descriptor's. An interrupted upload resumes within the page.
 */
import {
  initiateMultipartUpload,
  parseUploadDetails,
  uploadBlob,
  UsageError,
  type Descriptor,
  type UploadState,
} from '../src/web/index.js';
import { formatRate } from './dom.js';

export interface UploadStepDeps {
  file: () => File | undefined;
  descriptor: () => Descriptor | undefined;
  begin: (message: string) => AbortSignal;
  done: (message: string, state: string) => void;
  showError: (e: unknown, signal: AbortSignal) => void;
}

export function setupUploadStep(deps: UploadStepDeps): { reset(): void } {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const detailsBox = $<HTMLTextAreaElement>('upload-details');
  const button = $<HTMLButtonElement>('upload');
  const bar = $<HTMLProgressElement>('upload-progress');
  const rate = $<HTMLSpanElement>('upload-rate');
  const result = $<HTMLParagraphElement>('upload-result');
  const why = $<HTMLSpanElement>('upload-why');
  /** The last state the upload reported, kept for a retry of the same details on the same file. */
  let state: UploadState | undefined;
  let running = false;

  /** The button is enabled once it has all it needs; until then the line beside it says what it waits for. */
  function refresh(): void {
    const waitingFor = running
      ? ''
      : !deps.file()
        ? 'Open a local file: only a file from this computer can be uploaded.'
        : !deps.descriptor()
          ? 'Compute the upload descriptor first: the upload is checked against it.'
          : !detailsBox.value.trim()
            ? 'Paste the upload details first.'
            : '';
    button.disabled = running || waitingFor !== '';
    why.textContent = waitingFor;
  }
  detailsBox.addEventListener('input', refresh);

  button.addEventListener('click', () => {
    const file = deps.file();
    const descriptor = deps.descriptor();
    if (!file || !descriptor) return;
    const signal = deps.begin(`Uploading ${file.name}…`);
    running = true;
    refresh();
    result.textContent = '';
    const t0 = performance.now();
    run(file, descriptor, signal, (sent, total) => {
      bar.value = total ? sent / total : 1;
      const speed = formatRate(sent, (performance.now() - t0) / 1000);
      rate.textContent = `${Math.round((100 * sent) / (total || 1))}%${speed ? ` · ${speed}` : ''}`;
    })
      .then((message) => {
        result.textContent = message;
        deps.done(message, 'uploaded');
      })
      .catch((e: unknown) => deps.showError(e, signal))
      .finally(() => {
        running = false;
        refresh();
      });
  });

  async function run(
    file: File,
    descriptor: Descriptor,
    signal: AbortSignal,
    onProgress: (sent: number, total: number) => void,
  ): Promise<string> {
    let doc: unknown;
    try {
      doc = JSON.parse(detailsBox.value);
    } catch (e) {
      throw new UsageError('UPLOAD_DETAILS_INVALID', `the upload details are not JSON: ${(e as Error).message}`, {
        hint: 'paste the JSON the registry answered, whole',
      });
    }
    const details = parseUploadDetails(doc);
    if (details.shape === 's3-initiate') {
      const uploadId = await initiateMultipartUpload(details.url, { signal });
      return `Multipart upload started: upload id ${uploadId}. Ask the registry for its part URLs and paste them above.`;
    }
    const r = await uploadBlob(file, doc, {
      descriptor,
      signal,
      state,
      onState: (s) => void (state = s),
      onProgress: (p) => onProgress(p.sent, p.total),
    });
    state = undefined;
    const parts = r.shape === 'single' ? 'one PUT' : `${r.partsSent} part(s) sent${r.partsResumed ? `, ${r.partsResumed} resumed` : ''}`;
    return `Uploaded ${file.name}: ${parts}; SHA-256 ${r.sha256} verified; upload completed.`;
  }

  return {
    reset() {
      state = undefined;
      bar.value = 0;
      rate.textContent = '';
      result.textContent = '';
      refresh();
    },
  };
}
