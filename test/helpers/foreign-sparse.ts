import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Python script that writes tars with hole members (shared with bench/inspect.mjs). */
export const SPARSE_TAR_SCRIPT = fileURLToPath(new URL('./foreign-sparse-tar.py', import.meta.url));

export type SparseItem = { name: string; text?: string } | { name: string; hole: number } | { copy: string; first?: string[] };

/**
 * Writes `out` as a tar whose `hole` members are never written (a sparse file), with headers
 * made by Python's tarfile in `format`: past 8 GiB, PAX puts the size in a `size` record and
 * GNU in a base-256 size field.
 */
export function writeSparseTar(out: string, format: 'PAX' | 'GNU' | 'USTAR', spec: SparseItem[]): void {
  execFileSync('python3', [SPARSE_TAR_SCRIPT, out, format], { input: JSON.stringify(spec), stdio: ['pipe', 'pipe', 'pipe'] });
}
