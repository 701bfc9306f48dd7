import type { Command } from 'commander';
import { registerInspect } from './inspect.js';
import { registerIndex } from './index-cmd.js';
import { registerCat } from './cat.js';
import { registerDownload } from './download.js';
import { registerExtract } from './extract.js';
import { registerValidate } from './validate.js';
import { registerPack } from './pack.js';
import { registerDescribe } from './describe.js';
import { registerVerify } from './verify.js';
import { registerAppendMeta } from './append-meta.js';
import { registerPatchManifest } from './patch-manifest.js';
import { registerCard } from './card.js';
import { registerNew } from './new.js';
import { registerUpload } from './upload.js';

/** Every subcommand registers itself here; one line per command module. */
export const commands: Array<(program: Command) => void> = [registerInspect, registerIndex, registerCat, registerDownload, registerExtract, registerValidate, registerPack, registerDescribe, registerVerify, registerAppendMeta, registerPatchManifest, registerCard, registerNew, registerUpload];
