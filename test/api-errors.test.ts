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

test("the API's own metrics: requests by method, route pattern and status, and their latency, for ops only, with no policy number in a label", async () => {
  const users = await testApiUsers();
  const api = buildApi({ huifang: new HuifangClient(new Client(), 'api-metrics-test'), auth: users.auth, reasonLabels: reasonLabelsOf(loadSettings().transferReasons) });
  try {
    await api.inject({ method: 'GET', url: '/healthz' });
    await api.inject({ method: 'GET', url: '/v1/callbacks/P2026120200001', headers: users.headers('a10086') }); // unreachable Temporal: whatever it answers, counted
    await api.inject({ method: 'GET', url: '/v1/no-such-route/P2026120200002' });
    expect((await api.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/metrics', headers: users.headers('t3-shpd') })).statusCode).toBe(403);
    const res = await api.inject({ method: 'GET', url: '/metrics', headers: users.headers('ops') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toMatch(/^huifang_api_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    expect(text).toMatch(/^huifang_api_requests_total\{method="GET",route="\/v1\/callbacks\/:policyNo",status="\d{3}"\} 1$/m);
    expect(text).toMatch(/^huifang_api_requests_total\{method="GET",route="\(unmatched\)",status="404"\} 1$/m);
    expect(text).toMatch(/^huifang_api_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^huifang_api_request_duration_seconds_count\{method="GET",route="\/healthz"\} 1$/m);
    expect(text).not.toMatch(/P2026120200001|P2026120200002/);
  } finally {
    await api.close();
  }
});
