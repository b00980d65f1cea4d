/** Where "Sync now" reports: Outlook's notification bar on the current item. */
export interface NotificationSink {
  show(key: string, message: string, type: 'info' | 'error'): Promise<void>;
}

export type SyncRunner = () => Promise<{ summary: string }>;

/** The little of office.js the ribbon commands use, so tests can hand in a mock. */
export interface CommandsOffice {
  context: {
    displayLanguage?: string;
    mailbox?: {
      item?: {
        notificationMessages?: {
          replaceAsync(
            key: string,
            details: Record<string, unknown>,
            callback: (result: { status: unknown; error?: { message?: string } }) => void,
          ): void;
        };
      } | null;
    };
  };
  AsyncResultStatus: { Failed: unknown };
  MailboxEnums: { ItemNotificationMessageType: { ErrorMessage: unknown; InformationalMessage: unknown } };
}

export interface CommandEvent {
  completed(): void;
}

let registered: SyncRunner | undefined;

/** The sync engine registers how to run a sync for the signed-in user. */
export function setSyncRunner(next: SyncRunner | undefined): void {
  registered = next;
}

const KEY = 'tandem-sync';
const MESSAGES = {
  en: {
    notOn: 'Open Tandem and turn on calendar or contact sync first.',
    syncing: 'Syncing with Tandem…',
    failed: 'Sync failed: {message}',
  },
  es: {
    notOn: 'Abre Tandem y activa primero la sincronización del calendario o de los contactos.',
    syncing: 'Sincronizando con Tandem…',
    failed: 'La sincronización ha fallado: {message}',
  },
};

/** Outlook's notification messages as a promise that rejects on `Failed`. */
export function notificationSink(office: CommandsOffice): NotificationSink {
  return {
    show: (key, message, type) =>
      new Promise((resolve, reject) => {
        const messages = office.context.mailbox?.item?.notificationMessages;
        if (!messages) return resolve();
        const types = office.MailboxEnums.ItemNotificationMessageType;
        const details =
          type === 'error'
            ? { type: types.ErrorMessage, message }
            : { type: types.InformationalMessage, message, icon: 'Icon.16', persistent: false };
        messages.replaceAsync(key, details, (result) =>
          result.status === office.AsyncResultStatus.Failed
            ? reject(new Error(result.error?.message ?? 'The notification could not be shown.'))
            : resolve(),
        );
      }),
  };
}

/**
 * Runs the sync and reports through notifications. Never throws: a notification that cannot be
 * shown does not stop the sync, and a failed sync is reported.
 */
export async function runSyncNow(
  sink: NotificationSink,
  runner: SyncRunner | undefined = registered,
  language = 'en',
): Promise<void> {
  const text = MESSAGES[language.toLowerCase().startsWith('es') ? 'es' : 'en'];
  // Notifications hold at most 150 characters.
  const say = (message: string, type: 'info' | 'error') =>
    sink.show(KEY, message.slice(0, 150), type).catch(() => undefined);
  if (!runner) return say(text.notOn, 'info');
  await say(text.syncing, 'info');
  try {
    const { summary } = await runner();
    await say(summary, 'info');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await say(text.failed.replace('{message}', message), 'error');
  }
}

/** The "Sync now" ribbon handler: `event.completed()` is called exactly once, whatever fails. */
export function syncNowHandler(
  office: CommandsOffice,
  runner: () => SyncRunner | undefined = () => registered,
): (event: CommandEvent) => void {
  return (event) => {
    let done = false;
    const complete = () => {
      if (done) return;
      done = true;
      event.completed();
    };
    try {
      runSyncNow(notificationSink(office), runner(), office.context.displayLanguage).then(complete, complete);
    } catch {
      complete();
    }
  };
}
