import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { PermanentMailError, type MailTransport } from './mail-transport';

export interface OutboxSenderOptions {
  db: Kysely<Database>;
  transport: MailTransport;
  from: { name: string; address: string };
  /** Mails claimed per round. */
  batchSize?: number;
  /** Attempts before a mail is marked failed. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed mail stays with this sender; a sender that crashes loses it after this. */
  leaseMs?: number;
  /** How often the outbox is polled when nothing wakes the sender. */
  pollMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

interface ClaimedMail {
  id: string;
  recipient: string;
  subject: string;
  body: string | null;
  attempts: number;
}

/**
 * Delivers the outbox. Mails are claimed with a lease (`FOR UPDATE SKIP LOCKED`), so several server
 * replicas can run senders at once, and a mail whose sender died mid-send is picked up again once its
 * lease ends: delivery is at least once, and nothing queued is lost on a crash or restart.
 */
export class OutboxSender {
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly options: OutboxSenderOptions) {
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 5_000;
    this.maxDelayMs = options.maxDelayMs ?? 30 * 60_000;
    this.leaseMs = options.leaseMs ?? 2 * 60_000;
    this.pollMs = options.pollMs ?? 5_000;
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.loop();
  }

  /** Tells a sleeping sender that mail was queued. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
    this.running = undefined;
  }

  /** One round: claims the due mails and tries each once. Answers how many were tried. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    for (const mail of claimed) await this.deliver(mail);
    return claimed.length;
  }

  /** Delay before retry number `attempt` (1-based), with ±20 % jitter so replicas do not retry in step. */
  retryDelayMs(attempt: number): number {
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let tried = 0;
      try {
        tried = await this.runOnce();
      } catch (error) {
        this.options.log?.error({ err: error }, 'mail outbox round failed');
      }
      if (tried < this.batchSize && !this.stopped) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      this.wakeUp = done;
    });
  }

  private async claim(): Promise<ClaimedMail[]> {
    const result = await sql<ClaimedMail>`
      update outbox
         set status = 'sending',
             attempts = attempts + 1,
             locked_until = now() + ${`${this.leaseMs} milliseconds`}::interval
       where id in (
         select id from outbox
          where (status = 'pending' and next_attempt_at <= now())
             or (status = 'sending' and locked_until < now())
          order by next_attempt_at
          limit ${this.batchSize}
          for update skip locked)
      returning id, recipient, subject, body, attempts`.execute(this.options.db);
    // RETURNING has no order; uuidv7 ids sort by creation, so mails leave in the order they were queued.
    return [...result.rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const { db } = this.options;
    try {
      await this.options.transport.send({
        from: this.options.from,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.body ?? '',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentMailError || mail.attempts >= this.maxAttempts;
      const delayMs = this.retryDelayMs(mail.attempts);
      await db
        .updateTable('outbox')
        .set(
          permanent
            ? { status: 'failed', body: null, locked_until: null, last_error: reason.slice(0, 500) }
            : {
                status: 'pending',
                locked_until: null,
                last_error: reason.slice(0, 500),
                next_attempt_at: sql<Date>`now() + ${`${delayMs} milliseconds`}::interval`,
              },
        )
        .where('id', '=', mail.id)
        .where('status', '=', 'sending')
        .execute();
      this.options.log?.warn(
        { mailId: mail.id, attempt: mail.attempts, permanent, reason },
        permanent ? 'mail given up' : 'mail will be retried',
      );
      return;
    }
    // The body carries single-use links and codes: it is not kept once delivered.
    await db
      .updateTable('outbox')
      .set({ status: 'sent', body: null, locked_until: null, last_error: null, sent_at: new Date() })
      .where('id', '=', mail.id)
      .execute();
  }
}
