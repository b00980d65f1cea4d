/** The slice of office.js the sign-in dialog needs; tests hand in a fake. */
export interface DialogOffice {
  context: {
    ui: {
      displayDialogAsync(
        url: string,
        options: { height: number; width: number; promptBeforeOpen?: boolean },
        callback: (result: DialogOpenResult) => void,
      ): void;
    };
  };
}

interface DialogOpenResult {
  status: string;
  error?: { code?: number; message: string };
  value?: OfficeDialog;
}

interface OfficeDialog {
  addEventHandler(type: string, handler: (arg: { message?: string; error?: number }) => void): void;
  close(): void;
}

/** What the dialog page sends back: a token for the scopes asked, and who signed in. */
export interface DialogToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresOn: number;
  username: string;
  name: string;
}

const DIALOG_MESSAGE_RECEIVED = 'dialogMessageReceived';
const DIALOG_EVENT_RECEIVED = 'dialogEventReceived';
/** Office's code for a dialog the user closed. */
const DIALOG_CLOSED = 12006;

/**
 * Signs in through an Office dialog: the fallback when neither nested app authentication nor a popup
 * is available in the host. The dialog page (`dialog.html`) runs MSAL's redirect flow and messages
 * the token back. Rejects, never throws inside a callback, so callers can catch every failure.
 */
export function signInWithOfficeDialog(
  office: DialogOffice,
  dialogUrl: string,
  scopes: readonly string[],
): Promise<DialogToken> {
  const url = `${dialogUrl}?scopes=${encodeURIComponent(scopes.join(' '))}`;
  return new Promise((resolve, reject) => {
    office.context.ui.displayDialogAsync(
      url,
      { height: 60, width: 30, promptBeforeOpen: false },
      (result) => {
        const dialog = result.value;
        if (result.status !== 'succeeded' || !dialog) {
          reject(
            new Error(`The sign-in window could not open: ${result.error?.message ?? 'unknown reason'}.`),
          );
          return;
        }
        dialog.addEventHandler(DIALOG_MESSAGE_RECEIVED, (arg) => {
          dialog.close();
          try {
            const body = JSON.parse(arg.message ?? '') as Partial<DialogToken> & { error?: string };
            if (body.error || !body.accessToken || !body.username) {
              reject(new Error(body.error ?? 'The sign-in window answered without a token.'));
              return;
            }
            resolve({
              accessToken: body.accessToken,
              expiresOn: Number(body.expiresOn) || Date.now() + 3_600_000,
              username: body.username,
              name: body.name ?? body.username,
            });
          } catch {
            reject(new Error('The sign-in window answered something that is not a token.'));
          }
        });
        dialog.addEventHandler(DIALOG_EVENT_RECEIVED, (arg) => {
          reject(
            new Error(
              arg.error === DIALOG_CLOSED
                ? 'The sign-in window was closed.'
                : `Sign-in failed (${arg.error}).`,
            ),
          );
        });
      },
    );
  });
}
