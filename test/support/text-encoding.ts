import { TextDecoder, TextEncoder } from 'node:util';

// jsdom leaves out TextEncoder, which the domain schema library needs at load; browsers and Node have it.
Object.assign(globalThis, {
  TextEncoder: globalThis.TextEncoder ?? TextEncoder,
  TextDecoder: globalThis.TextDecoder ?? TextDecoder,
});
