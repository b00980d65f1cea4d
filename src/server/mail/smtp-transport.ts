import nodemailer from 'nodemailer';
import { PermanentMailError, type MailTransport } from './mail-transport';

/** SMTP through nodemailer; `url` is `smtp://user:password@host:587` or `smtps://…:465`. */
export function createSmtpTransport(url: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from: { name: mail.from.name, address: mail.from.address },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
        });
      } catch (error) {
        // 5xx SMTP replies (unknown mailbox, refused recipient) will not get better with time.
        const code = (error as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) {
          throw new PermanentMailError(`The mail server refused the message (${code}).`);
        }
        throw error;
      }
    },
    close: () => transporter.close(),
  };
}
