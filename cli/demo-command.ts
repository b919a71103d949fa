/** `huifang demo`: a day of fictional contracts through every stage, to watch in the Web UI (demo/run-demo.ts). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { keyringFromEnv } from '../client/payload-keys';
import { DEMO_SCENARIOS } from '../demo/demo-contracts';
import { DEMO_TASK_QUEUE, runDemo } from '../demo/run-demo';
import { nativeConnection } from '../workers/run-worker';
import { UsageError, type Command } from './command';
import { loadSettings } from '../config/settings';
import { openEvidenceStore } from '../stores/evidence-store';
import { databaseUrlFromEnv } from '../stores/database/database-url';

const total = DEMO_SCENARIOS.reduce((n, s) => n + s.count, 0);

/** Where the demo keeps its files (recordings, orders): HUIFANG_DEMO_DIR, default data/demo. */
export function demoDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HUIFANG_DEMO_DIR ?? resolve(__dirname, '..', 'data', 'demo'));
}

const usage = `Usage: huifang demo [--minutes N] [--keep-running] [--dialer-delay-ms N]

Feeds a realistic day of ${total} fictional contracts through the real workflows, with demo timing:
a worker of its own on task queue '${DEMO_TASK_QUEUE}' calls every minute (config values only,
as the benchmark does), the simulated dialer answers by the phone number's last two digits, and
simulated staff and agents take every ticket step through the client. Run it beside 'npm start'
and follow the policies in the Web UI; progress and the queries to paste are printed.

Scenarios:
${DEMO_SCENARIOS.map((s) => `  ${String(s.count).padStart(2)} × ${s.name}`).join('\n')}

Options:
  --minutes N          stop after N minutes even if some policy is still on its way (default 8)
  --keep-running       keep the demo worker and staff going at the end, until Ctrl-C
  --dialer-delay-ms N  how long a simulated call takes (default 1500)

Its files (recordings, orders) go to data/demo/, or to HUIFANG_DEMO_DIR.

Exit code: 0 every policy got where its scenario leads, 1 stopped before that, 2 bad arguments.`;

export const demoCommand: Command = {
  name: 'demo',
  synopsis: 'demo',
  summary: 'a day of fictional contracts through every stage, to watch in the Web UI',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        minutes: { type: 'string', default: '8' },
        'keep-running': { type: 'boolean', default: false },
        'dialer-delay-ms': { type: 'string', default: '1500' },
      },
    });
    if (positionals.length) throw new UsageError('demo takes no arguments');
    const minutes = Number(values.minutes);
    const delay = Number(values['dialer-delay-ms']);
    if (!(minutes > 0 && minutes <= 120)) throw new UsageError(`--minutes must be a number from 1 to 120, not '${values.minutes}'`);
    if (!(Number.isInteger(delay) && delay >= 0 && delay <= 60_000)) throw new UsageError(`--dialer-delay-ms must be 0 to 60000, not '${values['dialer-delay-ms']}'`);

    const temporal = temporalSettingsFromEnv();
    // The demo's worker logs warnings only: its progress lines are the output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const huifang = await ctx.connect();
    const connection = await nativeConnection(temporal);
    const settings = loadSettings();
    const keyring = keyringFromEnv();
    const evidence = await openEvidenceStore(databaseUrlFromEnv(), { keys: keyring, timeZone: settings.timeZone, retention: settings.retention, poolSize: 4 });
    try {
      const report = await runDemo({
        huifang,
        connection,
        namespace: temporal.namespace,
        keyring,
        dataDir: demoDataDir(),
        evidence,
        out: ctx.stdout,
        timeoutMs: minutes * 60_000,
        keepRunning: values['keep-running'],
        dialerDelayMs: delay,
        signal: ctx.signal,
        webUiUrl: process.env.HUIFANG_WEB_UI_URL ?? (temporal.external ? undefined : 'http://localhost:8233'),
      });
      return report.settled ? 0 : 1;
    } finally {
      await connection.close();
      await evidence.close();
    }
  },
};
