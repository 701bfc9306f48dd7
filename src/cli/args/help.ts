/**
 * `--help`, laid out as commander laid it out (users and tests know this page): usage line,
 * description, Arguments, Options, Commands, each term padded to one column and each description
 * wrapped at the terminal's width (80 when not a terminal), then the text added after it.
 */
import type { Command } from './command.js';
import { argumentTerm, HELP_DESCRIPTION, HELP_FLAGS, type OptionSpec } from './spec.js';

/** Narrower than this, descriptions are not wrapped at all (they would be a word a line). */
const MIN_WIDTH_TO_WRAP = 40;

/** Wraps at whitespace, keeping the line breaks already there. */
function wrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\n/)) {
    const chunks = raw.match(/\s*\S+/g);
    if (!chunks) {
      lines.push('');
      continue;
    }
    let line = chunks[0]!;
    for (const chunk of chunks.slice(1)) {
      if (line.length + chunk.length <= width) line += chunk;
      else {
        lines.push(line);
        line = chunk.trimStart();
      }
    }
    lines.push(line);
  }
  return lines.join('\n');
}

function item(term: string, termWidth: number, description: string, width: number): string {
  if (!description) return `  ${term}`;
  const remaining = width - termWidth - 4; // two spaces before the term, two after
  // Text already broken and indented by hand is left as it is.
  const body =
    remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description)
      ? description
      : wrap(description, remaining).replace(/\n/g, `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${body.replace(/\n/g, '\n  ')}`;
}

function usage(cmd: Command): string {
  const names = cmd
    .lineage()
    .reverse()
    .map((c) => c.name());
  const parts = ['[options]', ...(cmd.commands.length > 0 ? ['[command]'] : []), ...cmd.arguments.map(argumentTerm)];
  return `${names.join(' ')} ${parts.join(' ')}`;
}

function optionDescription(o: OptionSpec): string {
  // A default is shown for options that take a value (flags' defaults are the programmer's business).
  return o.takesValue && o.defaultValue !== undefined ? `${o.description} (default: ${JSON.stringify(o.defaultValue)})` : o.description;
}

export function formatHelp(cmd: Command, width: number): string {
  // Arguments are listed only when one of them is described.
  const args = cmd.arguments.some((a) => a.description) ? cmd.arguments.map((a) => [a.name, a.description] as const) : [];
  const options = [...cmd.options.map((o) => [o.flags, optionDescription(o)] as const), [HELP_FLAGS, HELP_DESCRIPTION] as const];
  const subcommandTerm = (c: Command) =>
    [c.name(), ...(c.options.length > 0 ? ['[options]'] : []), ...c.arguments.map(argumentTerm)].join(' ');
  const commands = cmd.commands.length
    ? [...cmd.commands.map((c) => [subcommandTerm(c), c.descriptionText] as const), ['help [command]', HELP_DESCRIPTION] as const]
    : [];
  const termWidth = Math.max(0, ...[...args, ...options, ...commands].map(([term]) => term.length));
  const section = (title: string, items: ReadonlyArray<readonly [string, string]>) =>
    items.length ? [title, ...items.map(([term, text]) => item(term, termWidth, text, width)), ''] : [];
  const out = [
    `Usage: ${usage(cmd)}`,
    '',
    ...(cmd.descriptionText ? [wrap(cmd.descriptionText, width), ''] : []),
    ...section('Arguments:', args),
    ...section('Options:', options),
    ...section('Commands:', commands),
  ];
  return `${out.join('\n')}${cmd.helpAfter.map((text) => `${text}\n`).join('')}`;
}

/** Prints the help to stdout (asked for) or stderr (a command line that named no command), at that stream's width. */
export function writeHelp(cmd: Command, stream: NodeJS.WriteStream): void {
  stream.write(formatHelp(cmd, (stream.isTTY ? stream.columns : undefined) ?? 80));
}
