import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { configure, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nProvider, type Locale } from '../../../src/taskpane/i18n';

// jsdom has no layout: Fluent's MessageBar only needs ResizeObserver to exist.
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoLayoutResizeObserver;

// The machine running the whole suite can be slow: give async queries time (they still must succeed).
configure({ asyncUtilTimeout: 5000 });

export const isDisabled = (element: HTMLElement) => (element as HTMLButtonElement).disabled;

/** Renders a screen as the app does: inside Fluent's provider and the chosen language. */
export function renderScreen(ui: ReactElement, locale: Locale = 'en') {
  return render(
    <FluentProvider theme={webLightTheme}>
      <I18nProvider locale={locale}>{ui}</I18nProvider>
    </FluentProvider>,
  );
}
