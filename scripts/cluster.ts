/**
 * `npm run cluster`: the production-shaped Temporal (scripts/temporal-cluster.ts) until Ctrl-C, with
 * huifang's search attributes registered. Point huifang at it with TEMPORAL_ADDRESS=127.0.0.1:7333.
 */
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import { startTemporalCluster } from './temporal-cluster';

async function main(): Promise<void> {
  const say = (line: string) => console.log(`[cluster] ${line}`);
  const started = Date.now();
  const cluster = await startTemporalCluster({ say });
  try {
    const connection = await Connection.connect({ address: cluster.address });
    const added = await ensureSearchAttributes(connection, cluster.namespace);
    await connection.close();
    say(`search attributes: ${added.length ? `registered ${added.join(', ')}` : 'already there'}`);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: TEMPORAL_ADDRESS=${cluster.address} (the server's log: data/temporal-cluster/server.log). Ctrl-C stops it.`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  say('stopping the server, then its PostgreSQL');
  await cluster.stop();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
