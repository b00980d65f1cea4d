import { createGraphClient, type GraphClient, type GraphClientOptions } from '../../../../src/sync/graph';
import { ADMIN, listenSandbox } from '../../../sandbox/support/sandbox-harness';

export type ListeningSandbox = Awaited<ReturnType<typeof listenSandbox>>;

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The Graph client of one sandbox user over real HTTP, recording what it sends. */
export function clientFor(
  h: ListeningSandbox,
  options: Partial<GraphClientOptions> & { user?: string } = {},
): { graph: GraphClient; sent: SentRequest[] } {
  const { user = ADMIN, ...rest } = options;
  const sent: SentRequest[] = [];
  const graph = createGraphClient({
    baseUrl: `${h.baseUrl}/graph/v1.0`,
    getToken: async () => h.sandbox.issueToken(user, 'graph'),
    fetch: (input, init) => {
      sent.push({
        method: String(init.method),
        url: input,
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? init.body : undefined,
      });
      return fetch(input, init);
    },
    ...rest,
  });
  return { graph, sent };
}

/**
 * A clock running `speed` times faster than the wall clock, so tests meet real `Retry-After` values
 * (seconds) without waiting them out; the client sleeps and reads time through it consistently.
 */
export function fastClock(speed: number): { now: () => number; sleep: (ms: number) => Promise<void> } {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * speed,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / speed)),
  };
}

export interface Created {
  id: string;
  subject?: string;
  displayName?: string;
  givenName?: string;
}

/** One hour on 2026-12-01 plus `i` hours, UTC. */
export function eventAt(i: number, subject: string, extra: Record<string, unknown> = {}) {
  const start = Date.UTC(2026, 11, 1, 8) + i * 3_600_000;
  const iso = (t: number) => new Date(t).toISOString().slice(0, 19);
  return {
    subject,
    start: { dateTime: iso(start), timeZone: 'UTC' },
    end: { dateTime: iso(start + 3_600_000), timeZone: 'UTC' },
    ...extra,
  };
}
