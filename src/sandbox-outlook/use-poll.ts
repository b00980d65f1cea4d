import { useCallback, useEffect, useRef, useState } from 'react';

/** How often the view reloads what Graph holds, to show the sync's changes. */
export const POLL_MS = 4000;

/**
 * Loads `load()` now, whenever `deps` or `tick` change, and keeps the last good answer while a reload
 * runs. An answer that arrives after a newer load started is dropped.
 */
export function usePolled<T>(load: () => Promise<T>, deps: unknown[], tick: number) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const generation = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await run();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [run]);
  // Another user or week: what was shown belongs to the old one.
  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload, tick]);
  return { data, error, reload };
}
