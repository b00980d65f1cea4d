/** What the add-in learns from its host: Outlook through office.js, or a plain browser tab. */
export interface HostInfo {
  kind: 'outlook' | 'browser';
  /** BCP 47 display language, e.g. `es-ES`. */
  language: string;
  theme: 'light' | 'dark';
  /** The theme came from the system (a browser tab without `?theme=`): follow its changes live. */
  followsSystemTheme?: boolean;
}

interface OfficeLike {
  onReady(): Promise<{ host: unknown }>;
  context?: { displayLanguage?: string; officeTheme?: { bodyBackgroundColor?: string } };
}

/**
 * Waits for office.js when it is on the page. Outside Office, `Office.onReady` resolves with no host,
 * and when office.js could not load at all the add-in still runs as the web app.
 */
export async function detectHost(win: Window = window): Promise<HostInfo> {
  const office = (win as unknown as { Office?: OfficeLike }).Office;
  const params = new URLSearchParams(win.location.search);
  const forcedTheme = params.get('theme');
  const forcedLanguage = params.get('lang');
  let inOutlook = false;
  if (office) {
    try {
      const info = await withTimeout(office.onReady(), 5000);
      inOutlook = Boolean(info.host);
    } catch {
      inOutlook = false;
    }
  }
  const context = inOutlook ? office?.context : undefined;
  const language = forcedLanguage ?? context?.displayLanguage ?? win.navigator.language ?? 'en-US';
  const theme =
    forcedTheme === 'dark' || forcedTheme === 'light'
      ? forcedTheme
      : context?.officeTheme?.bodyBackgroundColor
        ? isDark(context.officeTheme.bodyBackgroundColor)
          ? 'dark'
          : 'light'
        : win.matchMedia?.('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
  const followsSystemTheme =
    forcedTheme !== 'dark' && forcedTheme !== 'light' && !context?.officeTheme?.bodyBackgroundColor;
  return { kind: inOutlook ? 'outlook' : 'browser', language, theme, followsSystemTheme };
}

function isDark(hexColor: string): boolean {
  const hex = hexColor.replace('#', '');
  if (hex.length !== 6) return false;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * (r ?? 255) + 0.7152 * (g ?? 255) + 0.0722 * (b ?? 255) < 128;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('office.js did not become ready')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Calls `onChange` when the system's light/dark preference changes; returns the unsubscribe. */
export function watchSystemTheme(
  onChange: (theme: 'light' | 'dark') => void,
  win: Window = window,
): () => void {
  const query = win.matchMedia?.('(prefers-color-scheme: dark)');
  if (!query) return () => undefined;
  const listener = (event: MediaQueryListEvent) => onChange(event.matches ? 'dark' : 'light');
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
