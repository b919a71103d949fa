/** Queries and Updates wait for a worker to answer; without one they would hang, so commands give up and say why. */
export const QUERY_TIMEOUT_MS = 15_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function noWorkerMessage(taskQueue: string): string {
  return `no answer from the workflow in ${QUERY_TIMEOUT_MS / 1000} s: is a worker polling task queue '${taskQueue}'?`;
}
