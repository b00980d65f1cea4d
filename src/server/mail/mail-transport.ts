/** One plain-text mail, ready to hand to a transport. */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
}

/** Where mail leaves the server: SMTP in production, the sandbox mailboxes in the demo. */
export interface MailTransport {
  /** Resolves once the message is accepted; rejects on failure (a `PermanentMailError` is not retried). */
  send(mail: OutgoingMail): Promise<void>;
}

/** A failure that retrying cannot fix (e.g. the recipient address is refused). */
export class PermanentMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMailError';
  }
}

/** Parses `Name <address>` or a bare address, as `TANDEM_MAIL_FROM` is written. */
export function parseMailbox(value: string): { name: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (match) return { name: match[1]!.replace(/^"|"$/g, '') || 'Tandem', address: match[2]! };
  const address = value.trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new Error(`"${value}" is not a mail address.`);
  return { name: 'Tandem', address };
}
