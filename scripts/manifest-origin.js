// The add-in manifest is written for the development origin; builds for another origin substitute it.
const DEV_ORIGIN = 'https://localhost:3000';

/** The manifest XML with every development URL moved to `origin`, which must be https (Office requires it). */
function manifestForOrigin(xml, origin) {
  const base = origin.replace(/\/$/, '');
  if (!/^https:\/\/[^/]+$/.test(base)) {
    throw new Error(`The add-in origin must be an https origin without a path, got ${origin}`);
  }
  return xml.replaceAll(DEV_ORIGIN, base);
}

module.exports = { DEV_ORIGIN, manifestForOrigin };
