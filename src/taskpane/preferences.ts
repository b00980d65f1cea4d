import type { Locale } from './i18n';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** What a person chose in the web app's Account screen; Outlook passes its own language and theme. */
export interface Preferences {
  language?: Locale;
  theme?: ThemeChoice;
}

const KEY = 'tandem.preferences';

/** The stored choice; nothing when storage is unavailable (private mode, blocked) or holds junk. */
export function loadPreferences(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): Preferences {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const { language, theme } = raw as Record<string, unknown>;
    return {
      ...(language === 'en' || language === 'es' ? { language } : {}),
      ...(theme === 'system' || theme === 'light' || theme === 'dark' ? { theme } : {}),
    };
  } catch {
    return {};
  }
}

export function savePreferences(
  preferences: Preferences,
  storage: Pick<Storage, 'setItem'> | undefined = safeStorage(),
): void {
  try {
    storage?.setItem(KEY, JSON.stringify(preferences));
  } catch {
    // Storage full or blocked: the choice holds for this visit only.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
