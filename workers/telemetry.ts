/**
 * The worker process's telemetry, installed once before any connection to Temporal:
 *   - the SDK runtime's metrics (temporal_* counters, gauges and histograms of pollers, workflow and
 *     activity tasks, requests) in Prometheus format at http://<HUIFANG_METRICS_ADDRESS>/metrics
 *     (default 127.0.0.1:9464; `off` for none);
 *   - every log line of the SDK and of the workflow and activity loggers as one JSON object per line
 *     on stdout, with `policyNo` and `ticketId` read off the workflow id where the line has one
 *     (HUIFANG_LOG_LEVEL, default INFO).
 * Log lines carry business keys only: workflows and activities never log personal data.
 */
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9464';

export interface TelemetrySettings {
  /** host:port of the Prometheus endpoint, or undefined for none. */
  metricsAddress?: string;
  logLevel: LogLevel;
}

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export function telemetryFromEnv(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const address = env.HUIFANG_METRICS_ADDRESS ?? DEFAULT_METRICS_ADDRESS;
  const level = (env.HUIFANG_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  if (!LEVELS.includes(level)) throw new Error(`HUIFANG_LOG_LEVEL must be one of ${LEVELS.join(', ')}, not '${env.HUIFANG_LOG_LEVEL}'`);
  if (address !== 'off' && !/^[^:\s]+:\d{1,5}$/.test(address)) throw new Error(`HUIFANG_METRICS_ADDRESS must be host:port or 'off', not '${address}'`);
  return { metricsAddress: address === 'off' ? undefined : address, logLevel: level };
}

/** Installs the SDK runtime with these settings; must run before the first NativeConnection. */
export function installTelemetry(settings: TelemetrySettings, write: (line: string) => void = (line) => process.stdout.write(line)): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(settings.logLevel, (entry) => write(jsonLogLine(entry) + '\n')),
      telemetryOptions: settings.metricsAddress ? { metrics: { prometheus: { bindAddress: settings.metricsAddress } } } : {},
    });
  } catch (err) {
    // The usual cause: a second worker on the machine, on the default address.
    if (settings.metricsAddress && /in use|AddrInUse/i.test(String(err))) {
      throw new Error(
        `HUIFANG_METRICS_ADDRESS ${settings.metricsAddress} is taken (another worker on this machine?): ` +
          `give this one its own (e.g. HUIFANG_METRICS_ADDRESS=127.0.0.1:9465) or 'off'`,
      );
    }
    throw err;
  }
}

/** `{"time":…,"level":"INFO","message":…,"policyNo":…,"ticketId":…,…the SDK's own attributes}` */
export function jsonLogLine(entry: LogEntry): string {
  const meta = entry.meta ?? {};
  const line = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: entry.message,
    ...idsOfWorkflow(typeof meta.workflowId === 'string' ? meta.workflowId : undefined),
    ...meta,
  };
  return JSON.stringify(line, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    return value;
  });
}

/** `callback-P1` → { policyNo: P1 }; `ticket-P1-T2` → { policyNo: P1, ticketId: P1-T2 } (see workflows/messages.ts). */
export function idsOfWorkflow(workflowId: string | undefined): { policyNo?: string; ticketId?: string } {
  const ticket = workflowId && /^ticket-((.+)-T\d+)$/.exec(workflowId);
  if (ticket) return { policyNo: ticket[2], ticketId: ticket[1] };
  const callback = workflowId && /^callback-(.+)$/.exec(workflowId);
  return callback ? { policyNo: callback[1] } : {};
}
