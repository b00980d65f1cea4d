import { useCallback, useEffect, useState } from 'react';

/** Where an email link (or the user) points inside the app: `taskpane.html#/…`. */
export type Route =
  { name: 'home' } | { name: 'invite'; token: string } | { name: 'users'; approve?: string | undefined };

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const invite = /^\/invite\/([A-Za-z0-9_-]{20,100})$/.exec(path);
  if (invite?.[1]) return { name: 'invite', token: invite[1] };
  if (path === '/users') {
    const approve = new URLSearchParams(query).get('approve') ?? undefined;
    return { name: 'users', approve: approve && /^[0-9a-f-]{36}$/i.test(approve) ? approve : undefined };
  }
  return { name: 'home' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'home':
      return '';
    case 'invite':
      return `#/invite/${route.token}`;
    case 'users':
      return route.approve ? `#/users?approve=${route.approve}` : '#/users';
  }
}

/** The hash as a route; `navigate` replaces the history entry so used links do not come back with Back. */
export function useHashRoute(win: Window = window): [Route, (next: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(win.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(win.location.hash));
    win.addEventListener('hashchange', onChange);
    return () => win.removeEventListener('hashchange', onChange);
  }, [win]);
  const navigate = useCallback(
    (next: Route) => {
      const hash = routeHash(next);
      // office.js sets history.replaceState/pushState to null; a fragment-only location.replace
      // then changes the hash in place, with no reload and no new history entry.
      if (typeof win.history.replaceState === 'function') {
        win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}${hash}`);
      } else {
        win.location.replace(hash || '#');
      }
      setRoute(next);
    },
    [win],
  );
  return [route, navigate];
}
