/**
 * A command line we cannot run, as one of our UsageErrors: the message commander wrote, and a
 * hint naming the --help to read, led by a did-you-mean suggestion when there is one.
 */
import type { ErrorCode } from '../../codes.js';
import { UsageError } from '../../errors.js';
import type { Command } from './command.js';

export function usageError(code: ErrorCode, message: string, where: Command, suggestion = ''): UsageError {
  const path = where.path();
  const help = `see fnnx-kit ${path ? `${path} ` : ''}--help`;
  return new UsageError(code, message, { hint: suggestion ? `${suggestion} Otherwise ${help}` : help });
}
