import type { Command } from 'commander';
import { registerInspect } from './inspect.js';
import { registerIndex } from './index-cmd.js';
import { registerCat } from './cat.js';
import { registerDownload } from './download.js';
import { registerExtract } from './extract.js';
import { registerValidate } from './validate.js';

/** Every subcommand registers itself here; one line per command module. */
export const commands: Array<(program: Command) => void> = [registerInspect, registerIndex, registerCat, registerDownload, registerExtract, registerValidate];
