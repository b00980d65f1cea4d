import { type Kysely, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/schema';
import { renderMail, type Language, type TemplateName, type TemplateParams } from './mail-templates';

export interface QueuedMail<K extends TemplateName> {
  orgId: string | null;
  to: string;
  language: Language;
  template: K;
  params: TemplateParams[K];
}

/**
 * Queues a mail in the outbox. Called inside the transaction of the change the mail announces, so
 * the mail exists exactly when the change does; the sender delivers it after commit.
 */
export async function enqueueMail<K extends TemplateName>(
  db: Kysely<Database> | Transaction<Database>,
  mail: QueuedMail<K>,
): Promise<string> {
  const { subject, text } = renderMail(mail.template, mail.language, mail.params);
  const id = uuidv7();
  await db
    .insertInto('outbox')
    .values({
      id,
      org_id: mail.orgId,
      template: mail.template,
      recipient: mail.to,
      subject,
      body: text,
      status: 'pending',
    })
    .execute();
  return id;
}
