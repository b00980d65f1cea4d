import { InteractionRequiredAuthError, type IPublicClientApplication } from '@azure/msal-browser';
import { SignInRequiredError } from '../../src/auth/account-manager';
import { MsalAccountManager } from '../../src/auth/msal-account-manager';
import { signInWithOfficeDialog, type DialogOffice, type DialogToken } from '../../src/auth/office-dialog';

type Handler = (arg: { message?: string; error?: number }) => void;

/** Office with a dialog that answers as told once it is open. */
function officeWithDialog(answer: { open?: 'fails'; message?: string; closedWith?: number }) {
  const opened: string[] = [];
  const closed = jest.fn();
  const office: DialogOffice = {
    context: {
      ui: {
        displayDialogAsync(url, _options, callback) {
          opened.push(url);
          if (answer.open === 'fails') {
            callback({ status: 'failed', error: { code: 12007, message: 'a dialog is already open' } });
            return;
          }
          const handlers = new Map<string, Handler>();
          callback({
            status: 'succeeded',
            value: { addEventHandler: (type, handler) => void handlers.set(type, handler), close: closed },
          });
          setTimeout(() => {
            if (answer.message !== undefined)
              handlers.get('dialogMessageReceived')?.({ message: answer.message });
            if (answer.closedWith !== undefined)
              handlers.get('dialogEventReceived')?.({ error: answer.closedWith });
          });
        },
      },
    },
  };
  return { office, opened, closed };
}

const TOKEN: DialogToken = {
  accessToken: 'tok',
  expiresOn: Date.now() + 3_600_000,
  username: 'ana@contoso.example',
  name: 'Ana',
};

test('the dialog opens the sign-in page with the scopes and brings back the token', async () => {
  const { office, opened, closed } = officeWithDialog({ message: JSON.stringify(TOKEN) });
  await expect(
    signInWithOfficeDialog(office, 'https://tandem.example.com/dialog.html', ['a', 'b c']),
  ).resolves.toEqual(TOKEN);
  expect(opened).toEqual(['https://tandem.example.com/dialog.html?scopes=a%20b%20c']);
  expect(closed).toHaveBeenCalled();
});

test('every failure rejects with a message: cannot open, closed by the user, an error or garbage answered', async () => {
  const url = 'https://tandem.example.com/dialog.html';
  await expect(
    signInWithOfficeDialog(officeWithDialog({ open: 'fails' }).office, url, ['s']),
  ).rejects.toThrow('could not open: a dialog is already open');
  await expect(
    signInWithOfficeDialog(officeWithDialog({ closedWith: 12006 }).office, url, ['s']),
  ).rejects.toThrow('The sign-in window was closed.');
  await expect(
    signInWithOfficeDialog(
      officeWithDialog({ message: JSON.stringify({ error: 'AADSTS50020' }) }).office,
      url,
      ['s'],
    ),
  ).rejects.toThrow('AADSTS50020');
  await expect(
    signInWithOfficeDialog(officeWithDialog({ message: '<html>' }).office, url, ['s']),
  ).rejects.toThrow('not a token');
});

/** An MSAL client with no account whose popup the host cannot show (or the user cancels). */
function pcaWithoutPopup(popupError: { errorCode: string }): IPublicClientApplication {
  const fail = () => Promise.reject(Object.assign(new Error(popupError.errorCode), popupError));
  return {
    getActiveAccount: () => null,
    getAllAccounts: () => [],
    setActiveAccount: () => {},
    acquireTokenSilent: () =>
      Promise.reject(new InteractionRequiredAuthError('no_tokens_found', 'No cached token.')),
    acquireTokenPopup: fail,
    loginPopup: fail,
    clearCache: () => Promise.resolve(),
  } as unknown as IPublicClientApplication;
}

function manager(
  popupError: { errorCode: string },
  dialog?: (scopes: readonly string[]) => Promise<DialogToken>,
) {
  return new MsalAccountManager({
    clientId: 'client',
    authority: 'https://login.microsoftonline.com/organizations',
    apiScope: 'api://tandem.example.com/client/access_as_user',
    redirectUri: 'https://tandem.example.com/redirect.html',
    nested: true,
    dialog,
    createClient: async () => pcaWithoutPopup(popupError),
  });
}

test('when the host blocks the popup, the Office dialog signs in; its tokens are reused until they expire', async () => {
  const dialog = jest.fn(async (scopes: readonly string[]) => ({
    ...TOKEN,
    accessToken: scopes.includes('Calendars.ReadWrite') ? 'graph-token' : 'crm-token',
  }));
  const accounts = manager({ errorCode: 'popup_window_error' }, dialog);
  expect(await accounts.signIn()).toEqual({ username: 'ana@contoso.example', name: 'Ana' });
  expect(await accounts.current()).toEqual({ username: 'ana@contoso.example', name: 'Ana' });
  expect(await accounts.getToken('crm')).toBe('crm-token');
  expect(await accounts.getToken('graph')).toBe('graph-token');
  expect(await accounts.getToken('graph')).toBe('graph-token');
  expect(dialog.mock.calls.map(([scopes]) => scopes)).toEqual([
    ['api://tandem.example.com/client/access_as_user'],
    ['Calendars.ReadWrite', 'Contacts.ReadWrite', 'User.ReadBasic.All', 'Mail.Send'],
  ]);
  await accounts.signOut();
  expect(await accounts.current()).toBeNull();
});

test('a user who cancels is not sent to the dialog, and without a dialog sign-in is asked for', async () => {
  const dialog = jest.fn(async () => TOKEN);
  await expect(manager({ errorCode: 'user_cancelled' }, dialog).getToken('crm')).rejects.toBeInstanceOf(
    SignInRequiredError,
  );
  expect(dialog).not.toHaveBeenCalled();
  await expect(manager({ errorCode: 'popup_window_error' }).getToken('graph')).rejects.toBeInstanceOf(
    SignInRequiredError,
  );
});
