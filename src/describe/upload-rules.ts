/** What the registry's upload accepts, checked before a byte is hashed. */
import { ArtifactError } from '../errors.js';

export const UPLOAD_EXTENSIONS = ['fnnx', 'pyfnx', 'dfs', 'luml', 'tar'] as const;
/** The registry client's 5 GB mark. */
export const DEFAULT_MAX_UPLOAD_SIZE = 5_368_709_120;

/** The last dot-separated part decides: `my.model.v2.fnnx` is a `.fnnx`. */
export function uploadExtension(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1) : undefined;
}

export function checkUploadName(fileName: string): void {
  const ext = uploadExtension(fileName);
  if (ext === undefined || !(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new ArtifactError(
      'BAD_EXTENSION',
      `the registry does not accept ${ext === undefined ? 'a file without an extension' : `the extension ".${ext}"`}; it takes ${UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(', ')} (rename the file)`,
      { member: fileName },
    );
  }
}

export function checkUploadSize(fileName: string, size: number, maxSize = DEFAULT_MAX_UPLOAD_SIZE): void {
  if (size > maxSize) {
    // One line, no hint: the option to raise is named in the message itself.
    throw new ArtifactError('TOO_LARGE', `${size} bytes is over the upload limit of ${maxSize} bytes (--max-size)`, { member: fileName });
  }
}
