/**
 * The page's last step: pasted upload details (the registry's create answer, or its part URLs)
 * and the descriptor just computed; the file goes up in parts straight from disk, and is only
 * completed when its SHA-256 is the descriptor's. An interrupted upload resumes within the page.
 */
import { initiateMultipartUpload, parseUploadDetails, uploadBlob, type Descriptor, type UploadState } from '../src/web/index.js';

export interface UploadStepDeps {
  file: () => File | undefined;
  descriptor: () => Descriptor | undefined;
  begin: (message: string) => AbortSignal;
  done: (message: string, state: string) => void;
  showError: (e: unknown) => void;
}

export function setupUploadStep(deps: UploadStepDeps): { reset(): void } {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const detailsBox = $<HTMLTextAreaElement>('upload-details');
  const button = $<HTMLButtonElement>('upload');
  const bar = $<HTMLProgressElement>('upload-progress');
  const rate = $<HTMLSpanElement>('upload-rate');
  const result = $<HTMLParagraphElement>('upload-result');
  /** The last state the upload reported, kept for a retry of the same details on the same file. */
  let state: UploadState | undefined;

  button.addEventListener('click', () => {
    const file = deps.file();
    const descriptor = deps.descriptor();
    if (!file || !descriptor) return;
    const signal = deps.begin(`Uploading ${file.name}…`);
    button.disabled = true;
    result.textContent = '';
    const t0 = performance.now();
    run(file, descriptor, signal, (sent, total) => {
      bar.value = total ? sent / total : 1;
      const s = Math.max((performance.now() - t0) / 1000, 1e-3);
      rate.textContent = `${Math.round((100 * sent) / (total || 1))}% · ${(sent / 1048576 / s).toFixed(0)} MiB/s`;
    })
      .then((message) => {
        result.textContent = message;
        deps.done(message, 'uploaded');
      })
      .catch(deps.showError)
      .finally(() => (button.disabled = false));
  });

  async function run(
    file: File,
    descriptor: Descriptor,
    signal: AbortSignal,
    onProgress: (sent: number, total: number) => void,
  ): Promise<string> {
    const doc = JSON.parse(detailsBox.value) as unknown;
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
      button.disabled = !deps.descriptor();
    },
  };
}
