/** Requests allowed per sliding window, e.g. Outlook's 10,000 per 10 minutes per app and mailbox. */
export interface RequestBudget {
  requests: number;
  windowMs: number;
}

export interface RequestGateOptions {
  maxConcurrency: number;
  budget: RequestBudget;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** A granted passage: hand it back when the answer has arrived. */
export interface GateTicket {
  release(): void;
}

interface Waiter {
  slots: number;
  cost: number;
  grant: (ticket: GateTicket) => void;
}

interface Spent {
  at: number;
  count: number;
}

/**
 * Admits requests of one mailbox in order: at most `maxConcurrency` in flight (a `$batch` takes a slot
 * for each sub-request Outlook runs at once) and at most `budget.requests` per sliding window, waiting
 * rather than running into the service's 429. Requests are entered in the window when their answer
 * arrives: the service counted them at some earlier moment, so the gate's window never holds fewer than
 * the service's, and it never lets through what the service would refuse.
 */
export class RequestGate {
  private readonly queue: Waiter[] = [];
  private readonly spent: Spent[] = [];
  private spentTotal = 0;
  private reserved = 0;
  private inFlight = 0;
  private peak = 0;
  private pausedUntil = 0;
  private timer = false;

  constructor(private readonly options: RequestGateOptions) {
    if (!(options.maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be at least 1.');
    if (!(options.budget.requests >= 1) || !(options.budget.windowMs > 0)) {
      throw new RangeError('The request budget needs at least one request over a positive window.');
    }
  }

  get maxConcurrency(): number {
    return this.options.maxConcurrency;
  }

  get budget(): RequestBudget {
    return this.options.budget;
  }

  /** Requests in flight now and at most so far, counted in slots. */
  concurrency(): { inFlight: number; peak: number } {
    return { inFlight: this.inFlight, peak: this.peak };
  }

  /** Waits for `slots` of concurrency and `cost` requests of budget. */
  acquire(slots: number, cost: number): Promise<GateTicket> {
    if (cost > this.options.budget.requests) {
      throw new RangeError(
        `A call of ${cost} requests exceeds the budget of ${this.options.budget.requests}.`,
      );
    }
    const need = Math.min(Math.max(1, slots), this.options.maxConcurrency);
    return new Promise((grant) => {
      this.queue.push({ slots: need, cost, grant });
      this.pump();
    });
  }

  /** Holds every request back until `ms` from now (the mailbox is throttled). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.options.now() + ms);
  }

  private used(now: number): number {
    const { windowMs } = this.options.budget;
    while (this.spent.length > 0 && this.spent[0]!.at + windowMs <= now) {
      this.spentTotal -= this.spent.shift()!.count;
    }
    return this.spentTotal + this.reserved;
  }

  /** When enough spent requests leave the window for `cost` more, or undefined if in-flight ones must finish. */
  private roomAt(cost: number): number | undefined {
    const { requests, windowMs } = this.options.budget;
    let excess = this.spentTotal + this.reserved + cost - requests;
    for (const entry of this.spent) {
      excess -= entry.count;
      if (excess <= 0) return entry.at + windowMs;
    }
    return undefined;
  }

  private pump(): void {
    // First come, first served: a large call at the head is not overtaken by small ones behind it.
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const now = this.options.now();
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      if (this.inFlight + head.slots > this.options.maxConcurrency) return;
      if (this.used(now) + head.cost > this.options.budget.requests) {
        const at = this.roomAt(head.cost);
        if (at !== undefined) this.wake(at - now);
        return;
      }
      this.queue.shift();
      this.inFlight += head.slots;
      this.peak = Math.max(this.peak, this.inFlight);
      this.reserved += head.cost;
      let released = false;
      head.grant({
        release: () => {
          if (released) return;
          released = true;
          this.inFlight -= head.slots;
          this.reserved -= head.cost;
          this.spent.push({ at: this.options.now(), count: head.cost });
          this.spentTotal += head.cost;
          this.pump();
        },
      });
    }
  }

  private wake(ms: number): void {
    if (this.timer) return;
    this.timer = true;
    void this.options.sleep(Math.max(1, ms)).then(() => {
      this.timer = false;
      this.pump();
    });
  }
}
