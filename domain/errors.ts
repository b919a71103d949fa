/**
 * The errors a request to a workflow can end in, shared by the client that raises them and everyone
 * who tells them apart (the API's error handler, the CLI, the call-center's dialer). They live here,
 * not in the client, so the call-center and activities layers need not import the client.
 */

/** No such callback or ticket. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The workflow turned the request down (validator or handler); nothing was changed. */
export class RequestRejectedError extends Error {
  constructor(
    message: string,
    /** The workflow's failure type, when it gave one (e.g. `UNKNOWN_ATTEMPT`). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'RequestRejectedError';
  }
}

/**
 * The failure type of an outcome for an attempt the workflow does not know (yet: see `CallCenter`):
 * a caller can tell "report it again a little later" from a real rejection without reading the words.
 */
export const UNKNOWN_ATTEMPT = 'UnknownAttempt';

/**
 * No worker answered a query or an Update in time (none running, or all stuck): the API's 503 with
 * retry-after. `mayApplyLater`: an Update the server holds may still be applied when a worker comes
 * back, so read the state before sending it again.
 */
export class WorkerUnavailableError extends Error {
  constructor(
    message: string,
    readonly mayApplyLater: boolean,
  ) {
    super(message);
    this.name = 'WorkerUnavailableError';
  }
}
