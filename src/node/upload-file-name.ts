import { basename } from 'node:path';
import { isUrl } from './open.js';

/**
 * The base name a file, folder or URL would be uploaded under: a URL's last non-empty path
 * segment (so `…/model.fnnx/` is `model.fnnx`), decoded. describe, validate --for-upload and
 * upload all ask this one function, so they judge the same name.
 */
export function uploadFileName(target: string): string {
  if (!isUrl(target)) return basename(target);
  return decodeURIComponent(new URL(target).pathname.split('/').filter(Boolean).at(-1) ?? '');
}
