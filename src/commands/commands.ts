import { runSyncNow, type NotificationSink } from './sync-now';

/** office.js registers ribbon handlers by the FunctionName in the manifest. */
Office.onReady(() => {
  Office.actions.associate('syncNow', (event: Office.AddinCommands.Event) => {
    const item = Office.context.mailbox?.item;
    const sink: NotificationSink = {
      show: (key, message, type) =>
        new Promise((resolve) => {
          if (!item?.notificationMessages) return resolve();
          const details =
            type === 'error'
              ? { type: Office.MailboxEnums.ItemNotificationMessageType.ErrorMessage, message }
              : {
                  type: Office.MailboxEnums.ItemNotificationMessageType.InformationalMessage,
                  message,
                  icon: 'Icon.16',
                  persistent: false,
                };
          // A failed notification must not keep the command from completing.
          item.notificationMessages.replaceAsync(key, details, () => resolve());
        }),
    };
    void runSyncNow(sink).finally(() => event.completed());
  });
});
