import { SeededRandom } from './sandbox-ids';

/** Outlook's per app-and-mailbox limits, scalable so benchmarks can hit them quickly. */
export interface SandboxLimits {
  requestsPerWindow: number;
  windowMs: number;
  maxConcurrent: number;
  /** Added to every request, while it holds its concurrency slot. */
  latencyMs: number;
  /** `Retry-After` given when the concurrency limit refuses a request. */
  concurrencyRetryAfterSeconds: number;
}

export const OUTLOOK_LIMITS: SandboxLimits = {
  requestsPerWindow: 10_000,
  windowMs: 10 * 60_000,
  maxConcurrent: 4,
  latencyMs: 0,
  concurrencyRetryAfterSeconds: 1,
};

/**
 * `throttle` 429, `unavailable` 503, `gatewayTimeout` 504 answer at once; `timeout` hangs `hangMs` then
 * answers 504; `drop` hangs `hangMs` (default 0) then closes the connection without an answer. None of
 * these carries the request out. `lostAnswer` does carry it out, then closes the connection (inside a
 * `$batch`: answers 504), as when a gateway loses the service's answer: only an idempotent resend is safe.
 */
export type FaultKind = 'throttle' | 'unavailable' | 'gatewayTimeout' | 'timeout' | 'drop' | 'lostAnswer';

export interface FaultRule {
  kind: FaultKind;
  /** Probability per matching request (seeded random). */
  rate?: number;
  /** Fault the next N matching requests, then stop. */
  next?: number;
  /** Fault every k-th matching request. */
  every?: number;
  retryAfterSeconds?: number;
  hangMs?: number;
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose route template contains this text, e.g. "calendarView/delta". */
  route?: string;
}

export interface SandboxFaults {
  seed?: number;
  rules?: FaultRule[];
  /** Empty pages (with an `@odata.nextLink`) served at the start of every delta round. */
  deltaEmptyPages?: number;
  /** Already-sent items repeated on every delta page after the first. */
  deltaReplays?: number;
}

export interface MailboxStats {
  user: string;
  /** Requests that met the mailbox's limits (a `$batch` counts each inner request). */
  requests: number;
  /** `$batch` envelopes, which are not limited themselves. */
  batches: number;
  byMethod: Record<string, number>;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  peakConcurrency: number;
  throttled: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
}

export type Admission =
  | { outcome: 'admitted'; release: () => void; latencyMs: number; loseAnswer: boolean }
  | { outcome: 'refused'; status: number; code: string; message: string; retryAfterSeconds?: number }
  | { outcome: 'hang'; hangMs: number; then: 'gatewayTimeout' | 'drop'; release: () => void };

interface RuleState {
  rule: FaultRule;
  matched: number;
  fired: number;
}

interface MailboxRuntime {
  limits: Partial<SandboxLimits>;
  faults: SandboxFaults;
  rules: RuleState[];
  random: SeededRandom;
  window: number[];
  inFlight: number;
  stats: MailboxStats;
}

const FAULT_ANSWERS: Record<
  'throttle' | 'unavailable' | 'gatewayTimeout',
  { status: number; code: string; message: string }
> = {
  throttle: {
    status: 429,
    code: 'ApplicationThrottled',
    message: 'Application is over its MailboxConcurrency limit.',
  },
  unavailable: {
    status: 503,
    code: 'serviceNotAvailable',
    message: 'The service is temporarily unavailable.',
  },
  gatewayTimeout: { status: 504, code: 'UnknownError', message: 'Gateway Timeout' },
};

/** Per-mailbox throttling, fault injection and request statistics (runtime only, never persisted). */
export class MailboxGuard {
  private defaults: SandboxLimits = { ...OUTLOOK_LIMITS };
  private readonly mailboxes = new Map<string, MailboxRuntime>();

  constructor(private readonly now: () => number) {}

  private runtime(user: string): MailboxRuntime {
    const key = user.toLowerCase();
    let rt = this.mailboxes.get(key);
    if (!rt) {
      rt = {
        limits: {},
        faults: {},
        rules: [],
        random: new SeededRandom(1),
        window: [],
        inFlight: 0,
        stats: emptyStats(key),
      };
      this.mailboxes.set(key, rt);
    }
    return rt;
  }

  setDefaultLimits(limits: Partial<SandboxLimits>): SandboxLimits {
    this.defaults = { ...this.defaults, ...limits };
    return { ...this.defaults };
  }

  setLimits(user: string, limits: Partial<SandboxLimits>): SandboxLimits {
    const rt = this.runtime(user);
    rt.limits = { ...rt.limits, ...limits };
    return this.limits(user);
  }

  limits(user: string): SandboxLimits {
    return { ...this.defaults, ...this.runtime(user).limits };
  }

  setFaults(user: string, faults: SandboxFaults): void {
    const rt = this.runtime(user);
    rt.faults = { ...faults, rules: [...(faults.rules ?? [])] };
    rt.rules = rt.faults.rules!.map((rule) => ({ rule, matched: 0, fired: 0 }));
    rt.random = new SeededRandom(faults.seed ?? 1);
  }

  faults(user: string): SandboxFaults {
    const rt = this.runtime(user);
    return {
      ...rt.faults,
      rules: rt.rules.filter((r) => r.rule.next === undefined || r.fired < r.rule.next).map((r) => r.rule),
    };
  }

  stats(user?: string): MailboxStats[] {
    if (user) return [structuredClone(this.runtime(user).stats)];
    const all = [...this.mailboxes.values()].map((rt) => structuredClone(rt.stats));
    return all.filter((s) => s.requests > 0 || s.batches > 0);
  }

  /** Back to Outlook's limits with no faults, empty request windows and statistics. */
  reset(): void {
    this.defaults = { ...OUTLOOK_LIMITS };
    this.mailboxes.clear();
  }

  resetStats(): void {
    for (const rt of this.mailboxes.values()) rt.stats = emptyStats(rt.stats.user);
  }

  /** The `$batch` envelope is counted in the statistics; only its inner requests meet the limits. */
  admitBatchEnvelope(user: string): void {
    const stats = this.runtime(user).stats;
    stats.batches++;
    stats.byRoute['POST /$batch'] = (stats.byRoute['POST /$batch'] ?? 0) + 1;
  }

  recordStatus(user: string, status: number): void {
    const stats = this.runtime(user).stats;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  }

  /** Decides whether one Graph request against `user`'s mailbox runs, waits for a fault, or is refused. */
  admit(user: string, method: string, route: string): Admission {
    const rt = this.runtime(user);
    const limits = this.limits(user);
    const stats = rt.stats;
    stats.requests++;
    stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
    const routeKey = `${method} ${route}`;
    stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;

    if (rt.inFlight >= limits.maxConcurrent) {
      stats.throttled++;
      return {
        outcome: 'refused',
        status: 429,
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
        retryAfterSeconds: limits.concurrencyRetryAfterSeconds,
      };
    }
    const now = this.now();
    while (rt.window.length > 0 && rt.window[0]! <= now - limits.windowMs) rt.window.shift();
    if (rt.window.length >= limits.requestsPerWindow) {
      stats.throttled++;
      const wait = rt.window[0]! + limits.windowMs - now;
      return {
        outcome: 'refused',
        status: 429,
        code: 'ApplicationThrottled',
        message: 'Application is over its resource limit.',
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      };
    }
    rt.window.push(now);

    const fault = this.pickFault(rt, method, route);
    if (fault && fault.kind !== 'timeout' && fault.kind !== 'drop' && fault.kind !== 'lostAnswer') {
      const answer = FAULT_ANSWERS[fault.kind];
      const retryAfterSeconds = fault.retryAfterSeconds ?? (fault.kind === 'throttle' ? 2 : undefined);
      if (fault.kind === 'throttle') stats.throttled++;
      return {
        outcome: 'refused',
        ...answer,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      };
    }

    rt.inFlight++;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, rt.inFlight);
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        rt.inFlight--;
      }
    };
    if (fault && fault.kind !== 'lostAnswer') {
      return {
        outcome: 'hang',
        hangMs: fault.hangMs ?? (fault.kind === 'timeout' ? 30_000 : 0),
        then: fault.kind === 'timeout' ? 'gatewayTimeout' : 'drop',
        release,
      };
    }
    return { outcome: 'admitted', release, latencyMs: limits.latencyMs, loseAnswer: fault !== undefined };
  }

  private pickFault(rt: MailboxRuntime, method: string, route: string): FaultRule | undefined {
    for (const state of rt.rules) {
      const { rule } = state;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.route && !route.toLowerCase().includes(rule.route.toLowerCase())) continue;
      if (rule.next !== undefined && state.fired >= rule.next) continue;
      state.matched++;
      let fire: boolean;
      if (rule.every !== undefined) fire = state.matched % rule.every === 0;
      else if (rule.rate !== undefined) fire = rt.random.next() < rule.rate;
      else fire = rule.next !== undefined;
      if (fire) {
        state.fired++;
        rt.stats.faultsInjected++;
        rt.stats.faultsByKind[rule.kind] = (rt.stats.faultsByKind[rule.kind] ?? 0) + 1;
        return rule;
      }
    }
    return undefined;
  }

  deltaFaults(user: string): { emptyPages: number; replays: number } {
    const faults = this.runtime(user).faults;
    return { emptyPages: faults.deltaEmptyPages ?? 0, replays: faults.deltaReplays ?? 0 };
  }
}

function emptyStats(user: string): MailboxStats {
  return {
    user,
    requests: 0,
    batches: 0,
    byMethod: {},
    byRoute: {},
    byStatus: {},
    peakConcurrency: 0,
    throttled: 0,
    faultsInjected: 0,
    faultsByKind: {},
  };
}
