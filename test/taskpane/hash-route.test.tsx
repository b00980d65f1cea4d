/** @jest-environment jsdom */
import { act, renderHook } from '@testing-library/react';
import { useHashRoute } from '../../src/taskpane/router';
import { watchSystemTheme } from '../../src/taskpane/host';

const id = '0194f3a2-7c1d-7f5a-9b6e-2d8f4a1c3e70';

beforeEach(() => window.history.replaceState(null, '', `/taskpane.html#/users?approve=${id}`));

test('navigating replaces the hash without adding history', () => {
  const { result } = renderHook(() => useHashRoute());
  expect(result.current[0]).toEqual({ name: 'users', approve: id });
  const before = window.history.length;
  act(() => result.current[1]({ name: 'users' }));
  expect(window.location.hash).toBe('#/users');
  expect(result.current[0]).toEqual({ name: 'users' });
  expect(window.history.length).toBe(before);
});

test('with office.js loaded (history.replaceState set to null) the hash still changes in place', () => {
  const original = window.history.replaceState;
  // What office.js does to the page outside Android Outlook.
  (window.history as { replaceState: unknown }).replaceState = null;
  try {
    const { result } = renderHook(() => useHashRoute());
    act(() => result.current[1]({ name: 'home' }));
    expect(window.location.pathname).toBe('/taskpane.html');
    expect(['', '#']).toContain(window.location.hash);
    expect(result.current[0]).toEqual({ name: 'home' });
  } finally {
    window.history.replaceState = original;
  }
});

test('a hash changed from outside is followed', async () => {
  const { result } = renderHook(() => useHashRoute());
  await act(async () => {
    window.location.hash = '#/users';
    await new Promise((r) => setTimeout(r, 0));
  });
  expect(result.current[0]).toEqual({ name: 'users', approve: undefined });
});

test('the web app follows the system theme as it changes', () => {
  let listener: ((event: { matches: boolean }) => void) | undefined;
  const query = {
    addEventListener: (_: string, l: typeof listener) => (listener = l),
    removeEventListener: jest.fn(),
  };
  const win = { matchMedia: () => query } as unknown as Window;
  const seen: string[] = [];
  const stop = watchSystemTheme((theme) => seen.push(theme), win);
  listener?.({ matches: true });
  listener?.({ matches: false });
  expect(seen).toEqual(['dark', 'light']);
  stop();
  expect(query.removeEventListener).toHaveBeenCalled();
});
