/**
 * A failed request can be found again: every answer names its request id (x-request-id, ours: a
 * caller's own is not taken), and every 5xx is one JSON line on stderr with that id, the method and
 * the path (never the query string), while the caller gets nothing internal.
 */
import { Client } from '@temporalio/client';
import { buildApi } from '../api/server';
import { HuifangClient } from '../client/huifang-client';
import { reasonLabelsOf } from '../documents/format';
import { loadSettings } from '../config/settings';
import { testApiUsers } from './helpers/api-users';

test('a 5xx is logged with its request id, which the answer carries; every answer has one of its own', async () => {
  const users = await testApiUsers();
  const api = buildApi({
    huifang: new HuifangClient(new Client(), 'api-errors-test'),
    auth: users.auth,
    reasonLabels: reasonLabelsOf(loadSettings().transferReasons),
    health: async () => {
      throw new Error('calendar store unreadable');
    },
  });
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const failed = await api.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'chosen-by-caller' } });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({ error: 'Internal Server Error', message: 'internal error; the request may be retried' });
    const id = failed.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = written.filter((l) => l.includes('"request failed"')).map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ level: 'error', requestId: id, method: 'GET', path: '/healthz', error: 'Error: calendar store unreadable' })]);

    const fine = await api.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(fine.statusCode).toBe(200);
    expect(fine.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fine.headers['x-request-id']).not.toBe(id);
  } finally {
    spy.mockRestore();
    await api.close();
  }
});
