import Fastify, { type FastifyInstance } from 'fastify';
import { createGraphSandbox, graphSandboxPlugin, type GraphSandbox } from '../../src/sandbox';
import type { SyncCredentialVault } from '../../src/server/services/sync-credentials';
import {
  SignInRequiredError,
  type GraphTokenProvider,
  type SyncUser,
} from '../../src/server/worker/token-provider';
import type { FetchLike } from '../../src/sync/graph';

export const ORIGIN = 'http://tandem.test';

/** The Graph sandbox answering in process, as Graph at `${ORIGIN}/graph/v1.0`. */
export async function openSandbox(): Promise<{
  sandbox: GraphSandbox;
  app: FastifyInstance;
  fetch: FetchLike;
  graphUrl: string;
}> {
  const sandbox = createGraphSandbox({ crmAudience: 'api://tandem', publicUrl: ORIGIN });
  const app = Fastify({ logger: false });
  await app.register(graphSandboxPlugin, { sandbox });
  await app.ready();
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>), host: url.host },
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    const empty = res.statusCode === 204 || res.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
  return { sandbox, app, fetch, graphUrl: `${ORIGIN}/graph/v1.0` };
}

/**
 * Stands in for the identity provider until the on-behalf-of endpoint exists: "connecting" keeps the
 * sandbox mailbox the user signs in as, sealed in the vault like a refresh token, and tokens are
 * issued by the sandbox for it.
 */
export class StubTokenProvider implements GraphTokenProvider {
  /** Users whose refresh the identity provider now refuses. */
  readonly revoked = new Set<string>();
  tokensIssued = 0;

  constructor(
    private readonly vault: SyncCredentialVault,
    private readonly sandbox: GraphSandbox,
  ) {}

  async connect(user: SyncUser, mailbox: string): Promise<void> {
    await this.vault.save(user, `stub-refresh:${mailbox}`);
  }

  holds(user: SyncUser): Promise<boolean> {
    return this.vault.has(user);
  }

  async graphToken(user: SyncUser): Promise<string> {
    const stored = await this.vault.load(user);
    if (!stored) throw new SignInRequiredError('The server holds no Microsoft sign-in for this user.');
    if (this.revoked.has(user.userId))
      throw new SignInRequiredError('Microsoft no longer accepts the sign-in the server holds (revoked).');
    this.tokensIssued++;
    return this.sandbox.issueToken(stored.slice('stub-refresh:'.length), 'graph', { origin: ORIGIN });
  }

  disconnect(user: SyncUser): Promise<void> {
    return this.vault.remove(user);
  }
}

export function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}
