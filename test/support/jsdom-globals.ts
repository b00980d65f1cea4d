import { TextDecoder, TextEncoder } from 'node:util';

// jsdom leaves out some globals every browser has; modules shared with the browser (typebox) need them.
if (typeof globalThis.TextEncoder === 'undefined') {
  Object.assign(globalThis, { TextEncoder, TextDecoder });
}
