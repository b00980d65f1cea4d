import { createStandardPublicClientApplication } from '@azure/msal-browser';
import type { ClientConfig } from '../domain/client-config';
import type { DialogToken } from './office-dialog';

/**
 * The page inside the Office sign-in dialog: MSAL's redirect flow with the standard client, then the
 * token goes back to the add-in through `messageParent`. Tokens are never logged.
 */
async function run(): Promise<void> {
  await Office.onReady();
  const reply = (body: DialogToken | { error: string }) =>
    Office.context.ui.messageParent(JSON.stringify(body));
  try {
    const origin = window.location.origin;
    const config = (await (await fetch(`${origin}/config.json`)).json()) as ClientConfig;
    if (config.auth.mode !== 'entra')
      throw new Error('This server does not sign in with Microsoft Entra ID.');
    const scopes = (new URLSearchParams(window.location.search).get('scopes') ?? '')
      .split(' ')
      .filter(Boolean);
    if (scopes.length) sessionStorage.setItem('tandem.dialog.scopes', scopes.join(' '));
    const pca = await createStandardPublicClientApplication({
      auth: {
        clientId: config.auth.clientId,
        authority: config.auth.authority,
        redirectUri: `${origin}/dialog.html`,
      },
      cache: { cacheLocation: 'sessionStorage' },
    });
    const result = await pca.handleRedirectPromise();
    if (!result) {
      const asked = (sessionStorage.getItem('tandem.dialog.scopes') ?? '').split(' ').filter(Boolean);
      await pca.acquireTokenRedirect({ scopes: asked });
      return;
    }
    reply({
      accessToken: result.accessToken,
      expiresOn: result.expiresOn?.getTime() ?? Date.now() + 3_600_000,
      username: result.account.username,
      name: result.account.name ?? result.account.username,
    });
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
}

void run();
