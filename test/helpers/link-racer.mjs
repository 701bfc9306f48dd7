// A hostile second process for extraction tests: it flips `<target>/<dir>` between a real
// directory and a symbolic link to `outside`, as fast as it can, until `<stop>` exists. Each move
// uses a fresh name, so a directory the extraction makes meanwhile never gets the racer stuck.
// Usage: node link-racer.mjs <target> <dir> <outside> <stop>
import { existsSync, lstatSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [target, dir, outside, stop] = process.argv.slice(2);
const real = join(target, dir);
writeFileSync(`${stop}.ready`, '');
let flips = 0;
let n = 0;
while (!existsSync(stop)) {
  for (let i = 0; i < 200; i++) {
    const hidden = join(target, `${dir}.moved-${n++}`);
    try {
      renameSync(real, hidden);
      symlinkSync(outside, real);
      flips++;
    } catch {
      // The other side of the race may have moved it first: keep flipping.
    }
    try {
      if (lstatSync(real).isSymbolicLink()) unlinkSync(real);
      renameSync(hidden, real);
    } catch {
      // The other side of the race may have moved it first: keep flipping.
    }
  }
}
writeFileSync(`${stop}.flips`, String(flips));
