/**
 * The HTTP API over a real dev server for API tests: a harness (worker on its own task queue), the
 * test users with their tokens, and `buildApi` on that harness's client and system of record. `close` stops the API before
 * the server, so no request is still talking to Temporal when its connection closes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { reasonLabelsOf } from '../../documents/format';
import { buildApi, type ApiOptions } from '../../api/server';
import type { Settings } from '../../config/settings';
import { testApiUsers, type TestApiUsers } from './api-users';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './temporal-env';

export interface ApiHarness {
  env: TestWorkflowEnvironment;
  h: TestHarness;
  users: TestApiUsers;
  api: FastifyInstance;
  close(): Promise<void>;
}

export async function startApiHarness(
  options: {
    /** The worker's settings (default: createHarness's). */
    settings?: (server: Date) => Settings;
    /** More API options (documents, calling hours…). */
    api?: (h: TestHarness) => Partial<ApiOptions>;
  } = {},
): Promise<ApiHarness> {
  const keyring = generateKeyring();
  const env = await startDevServer(keyring);
  const h = await createHarness(env, keyring, { settings: options.settings?.(new Date(await env.currentTimeMs())) });
  const users = await testApiUsers();
  const api = buildApi({
    huifang: h.huifang,
    auth: users.auth,
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    // The system of record the harness's workflows write: views, lists and registers read it, as in production.
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
    ...options.api?.(h),
  });
  return {
    env,
    h,
    users,
    api,
    async close() {
      await api.close();
      await stopServer(env);
    },
  };
}
