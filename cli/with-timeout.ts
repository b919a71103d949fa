import type { HuifangClient } from '../client/huifang-client';

/** Queries and Updates wait for a worker to answer; without one they would hang, so commands give up and say why. */
export const QUERY_TIMEOUT_MS = 15_000;

/**
 * Runs `call` with a gRPC deadline `ms` from now, and says `message` when it runs out. A deadline
 * rather than a timer beside the call: the call itself ends, instead of being left in flight (and
 * retried by the client, even after its connection is closed).
 */
export async function withTimeout<T>(huifang: HuifangClient, ms: number, message: string, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  try {
    return await huifang.temporal.withDeadline(deadline, call);
  } catch (err) {
    if (Date.now() >= deadline) throw new Error(message);
    throw err;
  }
}

export function noWorkerMessage(taskQueue: string): string {
  return `no answer from the workflow in ${QUERY_TIMEOUT_MS / 1000} s: is a worker polling task queue '${taskQueue}'?`;
}
