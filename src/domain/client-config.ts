/** What the server tells the add-in and web app about itself (`GET /config.json`). */
export interface ClientConfig {
  auth:
    | { mode: 'sandbox' }
    | {
        mode: 'entra';
        /** The Entra ID application (client) id of the add-in. */
        clientId: string;
        /** e.g. `https://login.microsoftonline.com/organizations`. */
        authority: string;
        /** The companion API scope, e.g. `api://tandem.example.com/<client id>/access_as_user`. */
        apiScope: string;
      };
  /** Microsoft Graph's base URL: the sandbox, graph.microsoft.com or a national cloud's. */
  graphBaseUrl: string;
}
