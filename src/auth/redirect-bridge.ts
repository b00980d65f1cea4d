import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

// The popup and silent sign-in flows land on this page, which hands the response to the add-in.
broadcastResponseToMainFrame().catch(() => {
  document.body.textContent = 'Sign-in could not be completed. Close this window and try again.';
});
