/**
 * How to reach Temporal, from the environment. The same code runs against the embedded dev server
 * and a production cluster: only these variables change.
 *   TEMPORAL_ADDRESS        host:port (default localhost:7233)
 *   TEMPORAL_NAMESPACE      namespace (default "default")
 *   TEMPORAL_TLS_CERT_PATH / TEMPORAL_TLS_KEY_PATH   client certificate for mTLS
 *   TEMPORAL_TLS_CA_PATH    CA bundle of the server, if not a public one
 *   TEMPORAL_TLS_SERVER_NAME  SNI override
 *   TEMPORAL_API_KEY        API key (Temporal Cloud), implies TLS
 *   HUIFANG_TASK_QUEUE      task queue (default "huifang-callbacks")
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

export const DEFAULT_TASK_QUEUE = 'huifang-callbacks';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** True when TEMPORAL_ADDRESS names a cluster: `npm start` then starts no dev server. */
  external: boolean;
  connection: ConnectionOptions;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const certPath = env.TEMPORAL_TLS_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_KEY_PATH;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  const wantsTls = Boolean(certPath || env.TEMPORAL_TLS_CA_PATH || env.TEMPORAL_API_KEY || env.TEMPORAL_TLS === 'true');
  const tls = wantsTls
    ? {
        serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
        serverRootCACertificate: env.TEMPORAL_TLS_CA_PATH ? readFileSync(env.TEMPORAL_TLS_CA_PATH) : undefined,
        clientCertPair: certPath && keyPath ? { crt: readFileSync(certPath), key: readFileSync(keyPath) } : undefined,
      }
    : undefined;
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.HUIFANG_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    external: Boolean(env.TEMPORAL_ADDRESS),
    connection: { address, tls, apiKey: env.TEMPORAL_API_KEY },
  };
}
