/**
 * The call center uploads a call's recording through its page:
 *   PUT /v1/callbacks/:policyNo/attempts/:attemptId/recording   the audio file as the raw body
 * The body is streamed into recording storage as it arrives (never held whole in memory), its type
 * checked on its first bytes and its SHA-256 computed by the server on the way; then the workflow
 * verifies the stored file against that checksum and moves on, as for a recording the call-center
 * system stored itself (POST /v1/callbacks/:policyNo/recording).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HuifangClient } from '../client/huifang-client';
import { policyNoSchema } from '../domain/contract';
import { acceptsRecording, DEFAULT_RECORDING_LIMIT_BYTES, RECORDING_CONTENT_TYPES, recordingReference } from '../domain/recording-files';
import { RecordingUploadRefused, type RecordingUploads } from '../stores/recording-store';
import { HttpError } from './errors';
import type { OrgScope } from './org-scope';
import * as answers from './response-schemas';
import type { ApiRoutes } from './route';

const params = z
  .object({
    policyNo: policyNoSchema,
    attemptId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be an attempt id such as P2026…-1'),
  })
  .strict();

const uploaded = z
  .object({
    recording: z.object({ reference: z.string(), type: z.string(), checksum: z.string(), sizeBytes: z.number().int() }),
    state: answers.callbackState,
  })
  .describe('The recording as stored (its checksum computed by the server) and the callback state after the workflow verified it')
  .meta({ id: 'RecordingUploaded' });

/** Outcomes whose call was on tape: the recording belongs to that attempt. */
const RECORDED_OUTCOMES = new Set(['completed', 'refused']);

const STATUS_OF_REFUSAL: Record<RecordingUploadRefused['why'], number> = { 'too-large': 413, 'not-audio': 415, empty: 415, 'too-many': 409 };

export function registerRecordingUploadRoute(
  app: FastifyInstance,
  routes: ApiRoutes,
  huifang: HuifangClient,
  scope: OrgScope,
  opts: { recordings: RecordingUploads; limitBytes?: number },
): void {
  const limitBytes = opts.limitBytes ?? DEFAULT_RECORDING_LIMIT_BYTES;
  // The body stays a stream: the handler writes it to storage as it comes.
  app.addContentTypeParser([...RECORDING_CONTENT_TYPES], (_req, payload, done) => done(null, payload));
  routes.add({
    method: 'PUT',
    url: '/v1/callbacks/:policyNo/attempts/:attemptId/recording',
    tag: 'callbacks',
    summary: "Upload the call's recording (the audio as the raw body): stored, its checksum computed here, then verified by the callback",
    description: `The callback must be waiting for this call's recording. WAV, MP3, AMR, M4A or OGG by content, at most ${limitBytes} bytes; a second upload is kept beside the first, never over it.`,
    roles: ['call-center'],
    params,
    rawBody: { contentTypes: RECORDING_CONTENT_TYPES },
    bodyLimit: limitBytes,
    response: { status: 201, description: 'Stored and verified', schema: uploaded },
    errors: [404, 409, 413, 415],
    async handler({ params: { policyNo, attemptId }, principal, req, reply }) {
      // Refused before the body is read: the rest of it is not waited for.
      const refuse = (status: number, message: string): never => {
        reply.header('connection', 'close');
        throw new HttpError(status, message);
      };
      await scope.assertPolicy(principal, policyNo);
      const state = await huifang.getCallbackState(policyNo);
      if (!acceptsRecording(state.stage, state.escalation?.cause)) refuse(409, `stage: policy ${policyNo} is ${state.stage}: no recording is expected now`);
      const attempt = state.attempts.find((a) => a.attemptId === attemptId);
      if (!attempt || !RECORDED_OUTCOMES.has(attempt.outcome ?? '')) refuse(409, `attemptId: ${attemptId} is not a call of policy ${policyNo} that was recorded (completed or refused)`);
      const body = req.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') refuse(415, `send the recording as the raw body (${RECORDING_CONTENT_TYPES.slice(0, 4).join(', ')}, …)`);
      const stored = await opts.recordings
        .saveNew(body!, (type, version) => recordingReference(policyNo, attemptId, type, version), limitBytes)
        .catch((err: unknown) => (err instanceof RecordingUploadRefused ? refuse(STATUS_OF_REFUSAL[err.why], `(body): ${err.message}`) : Promise.reject(err)));
      const after = await huifang.uploadRecording(policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: principal.id });
      return { recording: stored, state: after };
    },
  });
}
