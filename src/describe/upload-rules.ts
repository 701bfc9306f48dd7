/** What the registry's upload accepts, checked before a byte is hashed. */
import { ArtifactError, LimitError } from '../errors.js';

export const UPLOAD_EXTENSIONS = ['fnnx', 'pyfnx', 'dfs', 'luml'] as const;
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
      `the registry does not accept ${ext === undefined ? 'a file without an extension' : `the extension ".${ext}"`}; it takes ${UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(', ')}`,
      { member: fileName, hint: 'rename the file, e.g. to model.fnnx (the content decides the format, not the name)' },
    );
  }
}

export function checkUploadSize(fileName: string, size: number, maxSize = DEFAULT_MAX_UPLOAD_SIZE): void {
  if (size > maxSize) {
    throw new LimitError('--max-size', `${size} bytes is over the registry's upload limit of ${maxSize} bytes`, { member: fileName });
  }
}
