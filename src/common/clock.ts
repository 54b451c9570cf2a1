import { Injectable } from '@nestjs/common';

/**
 * The one source of "now" for rules that depend on time (token expiry, access windows,
 * invitations). Tests move it; production reads the system time.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;
  private frozen: Date | null = null;

  now(): Date {
    return this.frozen ? new Date(this.frozen) : new Date(Date.now() + this.offsetMs);
  }

  /** Shifts time forward (or back) by a number of milliseconds. */
  advance(ms: number): void {
    if (this.frozen) this.frozen = new Date(this.frozen.getTime() + ms);
    else this.offsetMs += ms;
  }

  set(at: Date | null): void {
    this.frozen = at;
    this.offsetMs = 0;
  }
}
