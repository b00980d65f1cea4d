/** Where "Sync now" reports: Outlook's notification bar on the current item. */
export interface NotificationSink {
  show(key: string, message: string, type: 'info' | 'error'): Promise<void>;
}

export type SyncRunner = () => Promise<{ summary: string }>;

let runner: SyncRunner | undefined;

/** The sync engine registers how to run a sync for the signed-in user. */
export function setSyncRunner(next: SyncRunner | undefined): void {
  runner = next;
}

/**
 * Runs the sync and reports through notifications. Never throws, so the ribbon handler can always
 * call `event.completed()` afterwards.
 */
export async function runSyncNow(sink: NotificationSink): Promise<void> {
  try {
    if (!runner) {
      await sink.show('tandem-sync', 'Open Tandem and turn on calendar or contact sync first.', 'info');
      return;
    }
    await sink.show('tandem-sync', 'Syncing with Tandem…', 'info');
    const { summary } = await runner();
    await sink.show('tandem-sync', summary, 'info');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sink.show('tandem-sync', `Sync failed: ${message}`.slice(0, 150), 'error').catch(() => undefined);
  }
}
