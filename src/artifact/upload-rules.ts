/**
 * What the registry's upload accepts: an extension it takes, a size under its limit, one plain tar
 * file. One function finds the problems; describe throws the first (before a byte is hashed),
 * validate --for-upload reports them all.
 */
import { ArtifactError } from '../errors.js';

export const UPLOAD_EXTENSIONS = ['fnnx', 'pyfnx', 'dfs', 'luml', 'tar'] as const;
/** The registry client's 5 GB mark. */
export const DEFAULT_MAX_UPLOAD_SIZE = 5_368_709_120;

/** What the bytes are: only a plain tar file can be uploaded. */
export type UploadForm = 'tar' | 'directory' | 'compressed' | 'not-tar';

/** What is known about an upload so far; a rule whose fact is not given is not checked. */
export interface UploadFacts {
  /** The file name the upload will carry (its extension is what the registry checks). */
  fileName?: string;
  size?: number;
  form?: UploadForm;
  /** Default: the registry's 5 GB mark, 5,368,709,120 bytes. */
  maxSize?: number;
}

export interface UploadProblem {
  code: 'UPLOAD_EXTENSION' | 'UPLOAD_TOO_LARGE' | 'UPLOAD_NOT_TAR';
  message: string;
}

/** The last dot-separated part decides: `my.model.v2.fnnx` is a `.fnnx`. */
export function uploadExtension(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1) : undefined;
}

export function uploadProblems(facts: UploadFacts): UploadProblem[] {
  const out: UploadProblem[] = [];
  if (facts.fileName !== undefined) {
    const ext = uploadExtension(facts.fileName);
    if (ext === undefined || !(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
      const what = ext === undefined ? 'a file without an extension' : `the extension ".${ext}"`;
      const allowed = UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(', ');
      out.push({ code: 'UPLOAD_EXTENSION', message: `the registry does not accept ${what}; it takes ${allowed} (rename the file)` });
    }
  }
  const max = facts.maxSize ?? DEFAULT_MAX_UPLOAD_SIZE;
  if (facts.size !== undefined && facts.size > max) {
    // The option to raise is named in the message itself: the error stays one line.
    out.push({ code: 'UPLOAD_TOO_LARGE', message: `${facts.size} bytes is over the upload limit of ${max} bytes (--max-size)` });
  }
  if (facts.form !== undefined && facts.form !== 'tar') {
    const what = {
      directory: 'a directory (pack it into a tar file first)',
      compressed: 'compressed (upload the plain tar)',
      'not-tar': 'not a tar file',
    }[facts.form];
    out.push({ code: 'UPLOAD_NOT_TAR', message: `the artifact is ${what}; the registry takes one uncompressed tar file` });
  }
  return out;
}

/** Throws the first upload problem of `facts` as an ArtifactError about `fileName`. */
export function refuseUnuploadable(fileName: string, facts: UploadFacts): void {
  const [first] = uploadProblems(facts);
  if (first) throw new ArtifactError(first.code, first.message, { member: fileName });
}
