import { TextDecoder, TextEncoder } from 'node:util';

// jsdom leaves out some globals every browser has; modules shared with the browser (typebox) need them.
if (typeof globalThis.TextEncoder === 'undefined') {
  Object.assign(globalThis, { TextEncoder, TextDecoder });
}

// Screens render through Fluent's lazy parts and portals: on a loaded machine the default one-second
// wait of `findBy…`/`waitFor` is too short for a state the screen does reach.
if (typeof document !== 'undefined') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('@testing-library/dom') as typeof import('@testing-library/dom')).configure({
    asyncUtilTimeout: 10_000,
  });
}
