// A hostile second process for extraction tests: it flips `<target>/<dir>` between the real
// directory and a symbolic link to `outside`, as fast as it can, until `<stop>` exists.
// Usage: node link-racer.mjs <target> <dir> <outside> <stop>
import { existsSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [target, dir, outside, stop] = process.argv.slice(2);
const real = join(target, dir);
const hidden = join(target, `${dir}.real`);
writeFileSync(`${stop}.ready`, '');
let flips = 0;
while (!existsSync(stop)) {
  for (let i = 0; i < 200; i++) {
    try {
      renameSync(real, hidden);
      symlinkSync(outside, real);
      flips++;
    } catch {}
    try {
      unlinkSync(real);
      renameSync(hidden, real);
    } catch {}
  }
}
writeFileSync(`${stop}.flips`, String(flips));
