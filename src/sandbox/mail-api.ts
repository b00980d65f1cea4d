import type { GraphContext, RouteDefinition } from './graph-dispatcher';
import type { GraphSandbox } from './graph-sandbox';
import { badRequest, unknownProperty } from './graph-error';
import { formatInstant } from './graph-time';
import { newItemId } from './sandbox-ids';
import type { EmailAddress, EventData, MessageKind, MessageRecord, UserRecord } from './sandbox-state';

const MESSAGE_PROPERTIES = new Set([
  'subject',
  'body',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'importance',
  'categories',
  'from',
  'internetMessageHeaders',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
]);

function recipients(value: unknown, property: string): EmailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${property} must be a collection.`, 'RequestBodyRead');
  return value.map((entry) => {
    const email = (entry as { emailAddress?: { name?: unknown; address?: unknown } })?.emailAddress;
    if (typeof email?.address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.address)) {
      throw badRequest("At least one recipient isn't valid.", 'ErrorInvalidRecipients');
    }
    return { ...(typeof email.name === 'string' ? { name: email.name } : {}), address: email.address };
  });
}

export function senderAddress(user: UserRecord): EmailAddress {
  return { name: user.displayName, address: user.mail ?? user.userPrincipalName };
}

function sendMail(ctx: GraphContext) {
  const body = (ctx.req.body ?? {}) as { message?: unknown; saveToSentItems?: unknown };
  if (body.message === null || typeof body.message !== 'object') {
    throw badRequest('The message parameter is required.', 'ErrorInvalidRequest');
  }
  const message = body.message as Record<string, unknown>;
  for (const key of Object.keys(message)) {
    if (!key.startsWith('@odata.') && !MESSAGE_PROPERTIES.has(key)) throw unknownProperty(key, 'message');
  }
  const to = recipients(message.toRecipients, 'toRecipients');
  const cc = recipients(message.ccRecipients, 'ccRecipients');
  const bcc = recipients(message.bccRecipients, 'bccRecipients');
  if (to.length + cc.length + bcc.length === 0) {
    throw badRequest('At least one recipient is required, but none were found.', 'ErrorInvalidRecipients');
  }
  const content = (message.body ?? {}) as { contentType?: unknown; content?: unknown };
  const record: MessageRecord = {
    id: newItemId(),
    kind: 'mail',
    subject: typeof message.subject === 'string' ? message.subject : '',
    body: {
      contentType: String(content.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text',
      content: typeof content.content === 'string' ? content.content : '',
    },
    from: senderAddress(ctx.caller),
    toRecipients: to,
    ccRecipients: cc,
    bccRecipients: bcc,
    receivedDateTime: formatInstant(ctx.sandbox.now()),
  };
  ctx.sandbox.deliver(record);
  if (body.saveToSentItems !== false) {
    const copy = structuredClone(record);
    ctx.mailbox.sentItems.push(copy);
    ctx.sandbox.appended(['mailboxes', ctx.mailbox.userId, 'sentItems'], copy);
  }
  return { status: 202 };
}

const SUBJECT_PREFIX: Record<MessageKind, string> = {
  mail: '',
  invitation: '',
  update: 'Updated: ',
  cancellation: 'Canceled: ',
};

/** The mail Exchange sends on its own when a meeting is created, changed or cancelled. */
export function sendMeetingMessage(
  ctx: GraphContext,
  kind: Exclude<MessageKind, 'mail'>,
  eventId: string,
  data: EventData,
  to: EmailAddress[],
  comment?: string,
): void {
  if (to.length === 0) return;
  const body = data.body as { contentType: string; content: string };
  ctx.sandbox.deliver({
    id: newItemId(),
    kind,
    subject: `${SUBJECT_PREFIX[kind]}${String(data.subject ?? '')}`,
    body: comment ? { contentType: 'text', content: comment } : { ...body },
    from: senderAddress(ctx.caller),
    toRecipients: to,
    ccRecipients: [],
    bccRecipients: [],
    receivedDateTime: formatInstant(ctx.sandbox.now()),
    eventId,
    meetingMessageType: kind === 'cancellation' ? 'meetingCancelled' : 'meetingRequest',
  });
}

export function attendeeAddresses(data: EventData): EmailAddress[] {
  return data.attendees.map((a) => ({ ...a.emailAddress }));
}

export const mailRoutes: RouteDefinition[] = [
  { method: 'POST', template: '/me/sendMail', scopes: ['Mail.Send'], handler: sendMail },
];

/** Delivers a plain-text mail sent from outside the sandbox (e.g. Tandem's own mail) to its recipients' mailboxes. */
export function deliverExternalMail(
  sandbox: GraphSandbox,
  mail: { from: EmailAddress; to: EmailAddress[]; subject: string; text: string },
): void {
  sandbox.deliver({
    id: newItemId(),
    kind: 'mail',
    subject: mail.subject,
    body: { contentType: 'text', content: mail.text },
    from: { ...mail.from },
    toRecipients: mail.to.map((r) => ({ ...r })),
    ccRecipients: [],
    bccRecipients: [],
    receivedDateTime: formatInstant(sandbox.now()),
  });
}
