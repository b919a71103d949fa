/** The two things every page does with the API: load something, and send a form. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

/** How often a work list refreshes on its own: a desk sees new work without pressing anything. */
export const LIST_REFRESH_MS = 30_000;

/**
 * GET `path` now, on `reload()`, and every `everyMs` while the tab is shown (work lists); a failure
 * is kept as the API's reason in words, and the last data stays on screen meanwhile.
 */
export function useLoad<T>(path: string, everyMs?: number) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    api<T>(path).then(
      (d) => (setData(d), setError('')),
      (e: Error) => setError(e.message),
    );
  }, [path]);
  useEffect(reload, [reload]);
  useEffect(() => {
    if (!everyMs) return undefined;
    const timer = setInterval(() => document.visibilityState === 'visible' && reload(), everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, setData, error, reload };
}

/** A form's sending state: `send` runs the request, keeps the API's refusal as `error`, disables the button meanwhile. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const send = async (request: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await request();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, send };
}

/**
 * A detail that opens below a long list (one column, on a phone) is scrolled to where the person is
 * looking; on a desk, where it opens beside the list, nothing moves.
 */
export function useShownWhereLooking<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  useEffect(() => {
    const top = ref.current?.getBoundingClientRect().top;
    if (top !== undefined && (top > window.innerHeight * 0.6 || top < 0)) ref.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, []);
  return ref;
}
