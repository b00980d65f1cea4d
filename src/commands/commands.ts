import { syncNowHandler, type CommandsOffice } from './sync-now';

/** office.js registers ribbon handlers by the FunctionName in the manifest. */
Office.onReady(() => {
  Office.actions.associate('syncNow', syncNowHandler(Office as unknown as CommandsOffice));
});
