/** What the server tells the add-in about itself (GET /config.json). */
export interface ClientConfig {
  auth: { mode: 'sandbox' } | { mode: 'entra'; clientId: string; authority: string; apiScope: string };
  graphBaseUrl: string;
}
