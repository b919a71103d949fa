/**
 * A child process of the bench: a worker (huifang or bare) or the HTTP API, in its own process as in
 * production, so its memory and CPU are its own. Driven by bench/children.ts over IPC.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { StaffedCallCenter, type CallCenter } from '../call-center/call-center';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { reasonLabelsOf } from '../documents/format';
import { openEvidenceStore } from '../stores/evidence-store';
import { LogNotifier } from '../notifications/notifier';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { ApiAuth } from '../api/api-auth';
import { tokenDigest } from '../api/credential-hashes';
import { buildApi } from '../api/server';
import { TemporalFallbackQuota } from '../client/fallback-quota-gateway';
import { HuifangClient } from '../client/huifang-client';
import { huifangDataConverter } from '../client/payload-keys';
import { createHuifangWorker } from '../workers/create-worker';
import { BareDriver, createBareActivities } from './bare-activities';
import { BenchCallCenter, type CallCenterStats } from './call-center';
import { openNoEvidenceStore } from './no-evidence-store';
import { BENCH_API_TOKEN, decodeKeyring, type ChildConfig, type ChildSample, type ToChild, type ToParent } from './ipc';
import { benchSettings } from './settings';

Runtime.install({ logger: new DefaultLogger('WARN') });

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
let statsOf: () => CallCenterStats | undefined = () => undefined;
let stop: () => Promise<void> = async () => undefined;

function sample(): ChildSample {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  const cpu = process.cpuUsage();
  return { rss: m.rss, peakRss, heapUsed: m.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, callCenter: statsOf() };
}

const send = (msg: ToParent) => process.send!(msg);

async function start(cfg: ChildConfig): Promise<void> {
  const keyring = decodeKeyring(cfg.keyring);
  const dataConverter = huifangDataConverter(keyring);
  const clientConnection = await Connection.connect({ address: cfg.address });
  const client = new Client({ connection: clientConnection, namespace: cfg.namespace, dataConverter });

  if (cfg.role === 'api') {
    const huifang = new HuifangClient(client, cfg.taskQueue);
    const auth = new ApiAuth({
      sessionSecret: randomBytes(32).toString('base64'),
      users: [{ username: 'bench', role: 'issuance', id: 'BENCH', tokenDigests: [tokenDigest(BENCH_API_TOKEN)] }],
    });
    const app = buildApi({ huifang, auth, reasonLabels: reasonLabelsOf(benchSettings('now').transferReasons) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    stop = async () => {
      await app.close();
      await clientConnection.close();
    };
    send({ type: 'ready', url: `http://127.0.0.1:${port}` });
    return;
  }

  const connection = await NativeConnection.connect({ address: cfg.address });
  let worker: Worker;
  if (cfg.role === 'worker-huifang') {
    mkdirSync(cfg.recordingsDir, { recursive: true });
    const recordings = new LocalFolderRecordingStore(cfg.recordingsDir);
    let callCenter: CallCenter = new StaffedCallCenter();
    if (cfg.callCenter === 'bench') {
      const bench = new BenchCallCenter(new HuifangClient(client, cfg.taskQueue), recordings, cfg.seats);
      statsOf = () => bench.stats;
      callCenter = bench;
    }
    const settings = benchSettings(cfg.planMode, new Date(), cfg.waveAt ? new Date(cfg.waveAt) : undefined);
    const evidence =
      cfg.evidence === 'none'
        ? openNoEvidenceStore(cfg.databaseUrl, keyring)
        : await openEvidenceStore(cfg.databaseUrl, { keys: keyring, timeZone: settings.timeZone, retention: settings.retention });
    worker = await createHuifangWorker({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      keyring,
      workflowBundle: { codePath: cfg.bundlePath },
      deps: {
        settings,
        callCenter,
        recordings,
        notifier: new LogNotifier(),
        documents: new LocalFolderDocumentStore(cfg.outputDir),
        evidence,
        fallbackQuota: new TemporalFallbackQuota(client, cfg.taskQueue),
      },
      tuning: cfg.tuning,
    });
  } else {
    const driver = new BareDriver(client);
    statsOf = () => driver.stats;
    // The same worker options as createHuifangWorker: same data converter, same tuning.
    worker = await Worker.create({
      connection,
      namespace: cfg.namespace,
      taskQueue: cfg.taskQueue,
      workflowBundle: { codePath: cfg.bundlePath },
      activities: createBareActivities(driver),
      dataConverter,
      ...cfg.tuning,
    });
  }
  const running = worker.run();
  running.catch((err) => send({ type: 'fatal', error: String(err?.stack ?? err) }));
  stop = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await clientConnection.close();
  };
  send({ type: 'ready' });
}

// The bench went away (killed, crashed): do not outlive it.
process.on('disconnect', () => process.exit(1));

process.on('message', (msg: ToChild) => {
  switch (msg.type) {
    case 'start':
      start(msg.config).catch((err) => send({ type: 'fatal', error: String((err as Error)?.stack ?? err) }));
      break;
    case 'sample':
      send({ type: 'sample', id: msg.id, sample: sample() });
      break;
    case 'stop':
      stop()
        .catch(() => undefined)
        .finally(() => {
          clearInterval(sampler);
          send({ type: 'stopped', sample: sample() });
          process.removeAllListeners('disconnect');
          process.disconnect();
          setTimeout(() => process.exit(0), 200).unref();
        });
      break;
  }
});
