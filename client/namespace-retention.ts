/**
 * How long Temporal keeps a closed workflow's history: the namespace's retention
 * (config/retention.json historyRetentionDays, 30 by default). Long enough to inspect a closed run in
 * the Web UI for a month (disputes, audits of the workflow itself), short enough that the dev server's
 * SQLite does not grow without bound. The evidence itself is kept in PostgreSQL for the legal period.
 *
 * `npm start` sets it on the embedded dev server's namespace. On a cluster the namespace belongs to
 * its operator (other applications may share it, and huifang's credentials usually may not change
 * it): there it is only read, and a difference from the configuration is reported.
 */
import type { Connection } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';

const DAY_MS = 86_400_000;

/** The namespace's retention in days (fractions kept: a cluster may set hours). */
export async function namespaceRetentionDays(connection: Connection, namespace: string): Promise<number> {
  const described = await connection.workflowService.describeNamespace({ namespace });
  return tsToMs(described.config?.workflowExecutionRetentionTtl) / DAY_MS;
}

/** Sets the namespace's retention to `days` (UpdateNamespace, nothing else changed); answers the one before. */
export async function setNamespaceRetention(connection: Connection, namespace: string, days: number): Promise<number> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`historyRetentionDays must be a whole number of days, at least 1, not ${days}`);
  const before = await namespaceRetentionDays(connection, namespace);
  if (before !== days) {
    await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msNumberToTs(days * DAY_MS) } });
  }
  return before;
}

/**
 * At start-up: `set` (the embedded dev server) makes the namespace keep `days`; otherwise (a
 * cluster) only compares. Answers the line to print; a cluster's difference or an unreadable
 * namespace is a warning, not a failure (the evidence does not depend on it).
 */
export async function ensureNamespaceRetention(connection: Connection, namespace: string, days: number, { set }: { set: boolean }): Promise<string> {
  if (set) {
    const before = await setNamespaceRetention(connection, namespace, days);
    return before === days
      ? `namespace '${namespace}' keeps closed workflow histories ${days} days (already so)`
      : `namespace '${namespace}' now keeps closed workflow histories ${days} days (was ${before})`;
  }
  let current: number;
  try {
    current = await namespaceRetentionDays(connection, namespace);
  } catch (err) {
    return `WARNING could not read the retention of namespace '${namespace}' (${(err as Error).message}); huifang expects ${days} days`;
  }
  if (current === days) return `namespace '${namespace}' keeps closed workflow histories ${days} days, as configured`;
  return (
    `WARNING namespace '${namespace}' keeps closed workflow histories ${current} days, the configuration says ${days} ` +
    `(config/retention.json historyRetentionDays); the cluster's operator sets it: temporal operator namespace update --namespace ${namespace} --retention ${days}d`
  );
}
