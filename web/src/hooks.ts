/** The two things every page does with the API: load something, and send a form. */
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

/** GET `path` now and on `reload()`; a failure is kept as the API's reason in words. */
export function useLoad<T>(path: string) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    api<T>(path).then(
      (d) => (setData(d), setError('')),
      (e: Error) => setError(e.message),
    );
  }, [path]);
  useEffect(reload, [reload]);
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
