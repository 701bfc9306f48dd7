/**
 * When the sink is done with a member's bytes, told by archive position, not by chunk identity:
 * the packer's output is read as a tar (the one decoder, through TarScanner) to learn where each
 * member's data starts, and the sink's returns are counted in bytes. However the packer copies,
 * splits or merges what it is given, "the sink has returned for the call holding byte N" means
 * the same thing, so a body's buffer is reused exactly when it is safe, and never waited on for a
 * chunk object that will not come.
 */
import { TarScanner } from '../tar/scanner.js';

interface Waiter {
  member: number;
  end: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class DeliveryTracker {
  private readonly scanner = new TarScanner('packed archive', {
    // The writer's own output: whatever it wrote must be tracked, never refused.
    limits: { maxMembers: Infinity, maxExtendedHeader: Infinity, maxExtendedTotal: Infinity, maxNameLength: Infinity },
    onMember: (entry) => {
      this.dataOffsets.push(entry.dataOffset);
      this.wake();
    },
  });
  private readonly dataOffsets: number[] = [];
  private waiters: Waiter[] = [];
  /** Bytes of the archive in sink calls that have returned. */
  private sunk = 0;
  private failure?: unknown;

  /** A chunk of the archive is about to go to the sink. */
  seen(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  /** The sink has returned for a chunk of `length` bytes. */
  sank(length: number): void {
    this.sunk += length;
    this.wake();
  }

  /** Resolves once the sink has returned for the call holding byte `end - 1` of member `member`'s data. */
  delivered(member: number, end: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ member, end, resolve, reject });
      this.wake();
    });
  }

  /** The output stream failed or ended: nobody waits any longer. */
  stop(e: unknown): void {
    this.failure = e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      const start = this.dataOffsets[w.member];
      if (start === undefined || this.sunk < start + w.end) return true;
      w.resolve();
      return false;
    });
  }
}
