/** The registry's upload rules (--for-upload): extension, size limit, and a plain tar file. */
import { DEFAULT_MAX_UPLOAD_SIZE, UPLOAD_EXTENSIONS, uploadExtension } from '../describe/upload-rules.js';
import { diag, type Diagnostic } from './diagnostics.js';

export interface UploadFacts {
  /** The file name the upload will carry (its extension is what the registry checks). */
  fileName: string;
  size: number;
  /** What the bytes are: only a plain tar file can be uploaded. */
  form: 'tar' | 'directory' | 'compressed' | 'not-tar';
  /** Default: the registry's 5 GB mark, 5,368,709,120 bytes. */
  maxSize?: number;
}

export function uploadRules(facts: UploadFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = { member: null, pointer: '' };
  const ext = uploadExtension(facts.fileName);
  if (ext === undefined || !(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
    const allowed = UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(', ');
    out.push(diag('UPLOAD_EXTENSION', 'error', `"${facts.fileName}" does not end in one of ${allowed}, which the registry's upload requires`, at));
  }
  const max = facts.maxSize ?? DEFAULT_MAX_UPLOAD_SIZE;
  if (facts.size > max) out.push(diag('UPLOAD_TOO_LARGE', 'error', `${facts.size} bytes is over the upload limit of ${max} bytes`, at));
  if (facts.form !== 'tar') {
    const what = { directory: 'a directory (pack it into a tar file first)', compressed: 'compressed (upload the plain tar)', 'not-tar': 'not a tar file' }[facts.form];
    out.push(diag('UPLOAD_NOT_TAR', 'error', `the artifact is ${what}; the registry takes one uncompressed tar file`, at));
  }
  return out;
}
