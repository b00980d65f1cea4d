import { TextDecoder, TextEncoder } from 'node:util';

// jsdom leaves out TextEncoder, which the domain's schema library needs at load; browsers have it.
Object.assign(globalThis, {
  TextEncoder: globalThis.TextEncoder ?? TextEncoder,
  TextDecoder: globalThis.TextDecoder ?? TextDecoder,
});
