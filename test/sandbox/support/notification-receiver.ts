/* eslint-disable @typescript-eslint/no-explicit-any -- notification bodies are read field by field. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  validationToken: string | null;
  contentType: string | undefined;
  body: any;
  at: number;
}

/** What the receiver answers: a status and text, after an optional wait. */
export type Answer = { status: number; text?: string; contentType?: string; waitMs?: number };
export type Behaviour = (request: Received) => Answer;

/** A webhook receiver on a real port: echoes validation tokens, acknowledges notifications with 202. */
export class NotificationReceiver {
  static standard: Behaviour = (request) =>
    request.validationToken !== null
      ? { status: 200, text: request.validationToken, contentType: 'text/plain; charset=utf-8' }
      : { status: 202 };

  readonly received: Received[] = [];
  behaviour: Behaviour = NotificationReceiver.standard;
  private readonly server = createServer((req, res) => void this.answer(req, res));
  private waiters: (() => void)[] = [];

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** Notifications (not validations) that reached `path`. */
  notifications(path: string): Received[] {
    return this.received.filter((r) => r.path === path && r.validationToken === null);
  }

  /** Resolves once `predicate` holds, or fails after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('the expected notifications did not arrive in time');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  reset(): void {
    this.received.length = 0;
    this.behaviour = NotificationReceiver.standard;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://receiver.invalid');
    const received: Received = {
      path: url.pathname,
      validationToken: url.searchParams.get('validationToken'),
      contentType: req.headers['content-type'],
      body: text ? JSON.parse(text) : undefined,
      at: Date.now(),
    };
    this.received.push(received);
    const answer = this.behaviour(received);
    if (answer.waitMs) await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {});
    res.end(answer.text ?? '');
    for (const wake of this.waiters.splice(0)) wake();
  }
}
