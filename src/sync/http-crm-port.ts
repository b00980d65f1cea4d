import { recordIds } from '../domain/record';
import type { CrmChange, Link } from './changes';
import type { SyncReport } from './engine';
import type { SyncResource } from './model';
import { kindOfStatus } from './port-errors';
import {
  PortError,
  type CrmCommit,
  type CrmPort,
  type EligibleRecords,
  type FoundLinks,
  type LinkQuery,
  type Outcome,
  type SyncState,
} from './ports';

/**
 * `CrmPort` over the companion server's `/api/sync/{resource}/…` routes, for runs in the taskpane
 * (and any runner that only holds a user's token). Fetch-based, so it runs in the browser and in
 * Node. Lists are sent in as few calls as the server's limits allow: every round trip counts.
 */

/** Largest lists one call accepts; the server validates against the same numbers. */
export const CRM_HTTP_LIMITS = {
  /** Commits per `POST …/commits`. */
  commits: 500,
  /** Ids per `POST …/records` and `POST …/pending/drop`. */
  ids: 10_000,
  /** Entries per `POST …/pending`. */
  pending: 5_000,
  /** Records per `GET …/eligible`. */
  eligible: 10_000,
} as const;

/** Failures sent with a run's report; the server keeps fewer still. */
const RUN_FAILURES = 100;

/** Pending Outlook writes as the port's interface defines them; the server stores them as sent. */
type Pending = Awaited<ReturnType<CrmPort['loadPending']>>[number];

/** Characters of serialised commits per call: even at 3 bytes a character, under the 2 MB body limit. */
const COMMIT_BODY_CHARS = 600_000;

export interface HttpCrmPortOptions {
  /** Origin of the companion server, e.g. `https://tandem.example.com` (a path prefix is kept). */
  baseUrl: string;
  resource: SyncResource;
  /** A bearer token for the companion API; called before every request, so it may refresh. */
  token: () => Promise<string>;
  fetch?: typeof fetch;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries of a request the server refused for load (429/503), after its `Retry-After`. */
  retries?: number;
  /** Longest wait between retries. */
  maxRetryDelayMs?: number;
  /** A monotonic clock in milliseconds (tests pass their own). */
  now?: () => number;
}

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Safe to send again after an ambiguous failure (a 503 or a timeout may follow a partial effect). */
  idempotent: boolean;
}

export class HttpCrmPort implements CrmPort {
  readonly resource: SyncResource;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRetryDelayMs: number;
  private readonly now: () => number;
  /** The lease this port last took, timed from when the request left (so never later than the server's clock). */
  private lease: { holder: string; ttlMs: number; sentAt: number } | null = null;

  constructor(private readonly options: HttpCrmPortOptions) {
    this.resource = options.resource;
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/sync/${options.resource}`;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retries = options.retries ?? 2;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.now = options.now ?? (() => performance.now());
  }

  async acquireLease(holder: string, ttlMs: number): Promise<boolean> {
    // The engine renews before every group. While our own lease has most of its time left, a renewal
    // changes nothing another runner could see, so it costs no round trip.
    const held = this.lease;
    if (held && held.holder === holder && held.ttlMs === ttlMs && this.now() - held.sentAt < ttlMs / 4) {
      return true;
    }
    const sentAt = this.now();
    const answer = await this.call<{ acquired: boolean }>({
      method: 'POST',
      path: '/lease',
      body: { holder, ttlMs: Math.max(1, Math.round(ttlMs)) },
      idempotent: true,
    });
    this.lease = answer.acquired ? { holder, ttlMs, sentAt } : null;
    return answer.acquired;
  }

  async releaseLease(holder: string): Promise<void> {
    this.lease = null;
    await this.call({ method: 'POST', path: '/lease/release', body: { holder }, idempotent: true });
  }

  loadState(): Promise<SyncState> {
    return this.call<SyncState>({ method: 'GET', path: '/state', idempotent: true });
  }

  async saveState(patch: Partial<SyncState>): Promise<void> {
    await this.call({ method: 'PATCH', path: '/state', body: patch, idempotent: true });
  }

  async loadLinks(): Promise<Link[]> {
    return (await this.call<{ links: Link[] }>({ method: 'GET', path: '/links', idempotent: true })).links;
  }

  /** Over as many calls as the id lists need; the total comes with each answer. */
  async findLinks(query: LinkQuery): Promise<FoundLinks> {
    const crmIds = recordIds(query.crmIds);
    const graphIds = [...new Set(query.graphIds)];
    const found = new Map<string, Link>();
    let total = 0;
    const calls = Math.max(
      1,
      Math.ceil(crmIds.length / CRM_HTTP_LIMITS.ids),
      Math.ceil(graphIds.length / CRM_HTTP_LIMITS.ids),
    );
    for (let i = 0; i < calls; i++) {
      const at = i * CRM_HTTP_LIMITS.ids;
      const answer = await this.call<FoundLinks>({
        method: 'POST',
        path: '/links/find',
        body: {
          crmIds: crmIds.slice(at, at + CRM_HTTP_LIMITS.ids),
          graphIds: graphIds.slice(at, at + CRM_HTTP_LIMITS.ids),
        },
        idempotent: true,
      });
      for (const link of answer.links) found.set(link.crmId, link);
      total = answer.total;
    }
    return { links: [...found.values()], total };
  }

  async loadPending(): Promise<Pending[]> {
    return (await this.call<{ pending: Pending[] }>({ method: 'GET', path: '/pending', idempotent: true }))
      .pending;
  }

  async addPending(pending: readonly Pending[]): Promise<void> {
    for (const part of chunks(pending, CRM_HTTP_LIMITS.pending)) {
      await this.call({ method: 'POST', path: '/pending', body: { pending: part }, idempotent: true });
    }
  }

  async dropPending(crmIds: readonly string[]): Promise<void> {
    for (const part of chunks(crmIds, CRM_HTTP_LIMITS.ids)) {
      await this.call({ method: 'POST', path: '/pending/drop', body: { crmIds: part }, idempotent: true });
    }
  }

  async forget(): Promise<void> {
    await this.call({ method: 'POST', path: '/forget', idempotent: true });
  }

  eligibleRecords(limit: number): Promise<EligibleRecords> {
    const capped = Math.max(1, Math.min(CRM_HTTP_LIMITS.eligible, Math.floor(limit)));
    return this.call<EligibleRecords>({ method: 'GET', path: `/eligible?limit=${capped}`, idempotent: true });
  }

  changes(cursor: string): Promise<{ changes: CrmChange[]; cursor: string }> {
    return this.call({
      method: 'GET',
      path: `/changes?cursor=${encodeURIComponent(cursor)}`,
      idempotent: true,
    });
  }

  async getRecords(crmIds: readonly string[]): Promise<CrmChange[]> {
    const out: CrmChange[] = [];
    for (const part of chunks(recordIds(crmIds), CRM_HTTP_LIMITS.ids)) {
      const answer = await this.call<{ records: CrmChange[] }>({
        method: 'POST',
        path: '/records',
        body: { crmIds: part },
        idempotent: true,
      });
      out.push(...answer.records);
    }
    return out;
  }

  async commit(commits: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]> {
    const outcomes: Outcome<{ crmId: string }>[] = [];
    for (const part of commitGroups(commits)) outcomes.push(...(await this.commitPart(part)));
    return outcomes;
  }

  /**
   * One call of commits. The server refuses a call whole when one commit in it breaks its rules
   * (a 4xx, before writing anything): the part is then sent again in halves, so that the commit it
   * refuses fails alone and every other one goes through.
   */
  private async commitPart(part: readonly CrmCommit[]): Promise<Outcome<{ crmId: string }>[]> {
    let answer: { outcomes: Outcome<{ crmId: string }>[] };
    try {
      // Not idempotent: a commit that creates a record must not be sent twice after an unclear failure.
      answer = await this.call({
        method: 'POST',
        path: '/commits',
        body: { commits: part },
        idempotent: false,
      });
    } catch (error) {
      if (!(error instanceof PortError) || error.kind !== 'invalid') throw error;
      if (part.length === 1) return [{ ok: false, error: { kind: 'invalid', message: error.message } }];
      const half = Math.ceil(part.length / 2);
      return [...(await this.commitPart(part.slice(0, half))), ...(await this.commitPart(part.slice(half)))];
    }
    if (answer.outcomes.length !== part.length) {
      throw new PortError('permanent', 'The server answered a different number of commit outcomes.');
    }
    return answer.outcomes;
  }

  /** Keeps a run's report as the resource's last run, for the settings page (not part of `CrmPort`). */
  async recordRun(report: SyncReport, startedAt?: Date): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/runs',
      // The page shows a few failures and the count: a run that failed everywhere stays a small body.
      body: {
        ...report,
        failures: report.failures.slice(0, RUN_FAILURES),
        failureCount: report.failures.length,
        ...(startedAt ? { startedAt: startedAt.toISOString() } : {}),
      },
      idempotent: true,
    });
  }

  private async call<T = unknown>(call: Call): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(call);
      if (response.ok) {
        if (response.status === 204) return undefined as T;
        try {
          return (await response.json()) as T;
        } catch {
          throw new PortError(
            'temporary',
            `The server's answer to ${call.method} ${call.path} was cut short.`,
          );
        }
      }
      const message = await errorMessage(response);
      const kind = kindOfStatus(response.status);
      // 429 is refused before any work; 503 may come from a proxy mid-way, so only idempotent calls repeat.
      const repeatable = response.status === 429 || (response.status === 503 && call.idempotent);
      if (repeatable && attempt < this.retries) {
        await sleep(Math.min(this.maxRetryDelayMs, retryAfterMs(response, attempt)));
        continue;
      }
      throw new PortError(kind, `${call.method} ${call.path}: ${response.status} ${message}`);
    }
  }

  private async send(call: Call): Promise<Response> {
    const token = await this.options.token();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method: call.method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
    // Fastify refuses an empty JSON body, and a POST with no content type needs no body at all.
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    try {
      return await this.fetchImpl(`${this.base}${call.path}`, init);
    } catch (error) {
      // A DOMException is not always an Error (realms differ): its name tells a timeout.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      const what = timedOut ? 'timed out' : 'could not reach the server';
      throw new PortError('temporary', `${call.method} ${call.path}: ${what}`);
    }
  }
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // Not our JSON error shape (a proxy's page, say): the status says enough.
  }
  return response.statusText || 'request failed';
}

function retryAfterMs(response: Response, attempt: number): number {
  const header = response.headers.get('retry-after');
  const seconds = header === null ? NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return 500 * 2 ** attempt;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Commits in calls within the count limit and a body size the server accepts. */
function* commitGroups(commits: readonly CrmCommit[]): Generator<CrmCommit[]> {
  let group: CrmCommit[] = [];
  let bytes = 0;
  for (const commit of commits) {
    const size = JSON.stringify(commit).length;
    if (group.length > 0 && (group.length >= CRM_HTTP_LIMITS.commits || bytes + size > COMMIT_BODY_CHARS)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(commit);
    bytes += size;
  }
  if (group.length > 0) yield group;
}
