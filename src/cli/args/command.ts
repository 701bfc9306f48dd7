/**
 * The CLI's command tree, declared with the fluent calls the command modules already make
 * (`command`, `description`, `argument`, `option`, `requiredOption`, `action`, …: the subset of
 * commander's API we use, with its meaning). It only records; run.ts parses and dispatches.
 */
import { argumentSpec, optionSpec, type ArgumentSpec, type OptionParser, type OptionSpec } from './spec.js';

/**
 * An action gets the command's arguments, then its options object, then the command. Each module
 * types its own parameters (`(target: string, opts: PackOptions)`), so the declared type accepts
 * any parameter list: `never[]` is what every function type is assignable to, without `any`.
 */
export type Action = (...args: never[]) => void | Promise<void>;

/**
 * Runs before the action: `hooked` is the command the hook is on, `actionCommand` the one about to
 * run, `operands` its arguments as given (the first names the artifact an error line names).
 */
export type PreActionHook = (hooked: Command, actionCommand: Command, operands: readonly string[]) => void;

export class Command {
  readonly commands: Command[] = [];
  readonly options: OptionSpec[] = [];
  readonly arguments: ArgumentSpec[] = [];
  readonly parent: Command | undefined;
  /** Text printed after the generated help (conventions: examples, exit codes). */
  readonly helpAfter: string[] = [];
  readonly preActionHooks: PreActionHook[] = [];
  descriptionText = '';
  actionHandler: Action | undefined;
  /** The program's `-V, --version` option, whose use prints `versionText`. */
  versionOption: OptionSpec | undefined;
  private versionText: string | (() => string) | undefined;
  private readonly values: Record<string, unknown> = {};
  private readonly commandName: string;

  constructor(name: string, parent?: Command) {
    this.commandName = name;
    this.parent = parent;
  }

  name(): string {
    return this.commandName;
  }

  /** Adds a subcommand and returns it (not `this`), as commander's `.command()` does. */
  command(name: string): Command {
    const sub = new Command(name, this);
    this.commands.push(sub);
    return sub;
  }

  findCommand(name: string | undefined): Command | undefined {
    return this.commands.find((c) => c.commandName === name);
  }

  description(text: string): this {
    this.descriptionText = text;
    return this;
  }

  argument(name: string, description: string): this {
    if (this.arguments.at(-1)?.variadic) throw new Error(`${this.commandName}: an argument after a variadic one (${name})`);
    this.arguments.push(argumentSpec(name, description));
    return this;
  }

  option(flags: string, description: string, defaultValue?: string): this;
  option<T>(flags: string, description: string, parse: (value: string, previous: T | undefined) => T, defaultValue?: T): this;
  option(flags: string, description: string, parseOrDefault?: unknown, defaultValue?: unknown): this {
    return this.addOption(flags, description, false, parseOrDefault, defaultValue);
  }

  requiredOption(flags: string, description: string, defaultValue?: string): this;
  requiredOption<T>(flags: string, description: string, parse: (value: string, previous: T | undefined) => T, defaultValue?: T): this;
  requiredOption(flags: string, description: string, parseOrDefault?: unknown, defaultValue?: unknown): this {
    return this.addOption(flags, description, true, parseOrDefault, defaultValue);
  }

  private addOption(flags: string, description: string, mandatory: boolean, parseOrDefault: unknown, defaultValue: unknown): this {
    // As in commander: a third argument that is not a function is the default value.
    const parse = typeof parseOrDefault === 'function' ? (parseOrDefault as OptionParser) : undefined;
    const spec = optionSpec(flags, description, mandatory, parse, parse ? defaultValue : parseOrDefault);
    const clash = this.options.find((o) => o.long === spec.long || (spec.short !== undefined && o.short === spec.short));
    if (clash) throw new Error(`option '${flags}' of '${this.commandName}' clashes with '${clash.flags}'`);
    this.options.push(spec);
    if (spec.negate) this.values[spec.key] = spec.defaultValue ?? true;
    else if (spec.defaultValue !== undefined) this.values[spec.key] = spec.defaultValue;
    return this;
  }

  findOption(long: string): OptionSpec | undefined {
    return this.options.find((o) => o.long === long);
  }

  action(fn: Action): this {
    this.actionHandler = fn;
    return this;
  }

  /** Only 'after' is used: text printed below the generated help. */
  addHelpText(position: 'after', text: string): this {
    this.helpAfter.push(text);
    return this;
  }

  /** Only 'preAction' is used (conventions: what the action's options ask of the error output). */
  hook(event: 'preAction', fn: PreActionHook): this {
    this.preActionHooks.push(fn);
    return this;
  }

  /**
   * The version (`version()`), or declares it with its option (`version('1.0.0', '-V, --version', '…')`);
   * a function is asked only when the version is printed (reading it costs every other run time).
   */
  version(): string | undefined;
  version(version: string | (() => string), flags: string, description: string): this;
  version(version?: string | (() => string), flags?: string, description?: string): this | string | undefined {
    if (version === undefined) return typeof this.versionText === 'function' ? this.versionText() : this.versionText;
    this.versionText = version;
    this.addOption(flags ?? '-V, --version', description ?? '', false, undefined, undefined);
    this.versionOption = this.options.at(-1);
    return this;
  }

  /** The options given (and defaulted), keyed by their camelCased names. */
  opts(): Record<string, unknown> {
    return this.values;
  }

  setOptionValue(key: string, value: unknown): void {
    this.values[key] = value;
  }

  /** The command's names below the program, e.g. "card add"; "" for the program itself. */
  path(): string {
    return this.lineage()
      .reverse()
      .slice(1)
      .map((c) => c.commandName)
      .join(' ');
  }

  /** This command and the ones above it, innermost first. */
  lineage(): Command[] {
    return this.parent ? [this, ...this.parent.lineage()] : [this];
  }
}
