/**
 * The e-callback's configuration (config/e-callback.json), checked at load. Apart from
 * domain/e-callback.ts so that the workflow bundle, which uses the decisions, never carries zod.
 */
import { z } from 'zod';
import { CHANNELS, PRODUCT_TYPES } from './vocabulary';

export const eCallbackConfigSchema = z
  .object({
    /** Where e-callback is the first attempt without the policyholder asking (both lists must match). */
    firstAttempt: z.object({ channels: z.array(z.enum(CHANNELS)), productTypes: z.array(z.enum(PRODUCT_TYPES)) }).strict(),
    /** A regional rule that forbids e-callback (by administrative division code prefix). */
    forbiddenRegionPrefixes: z.array(z.string().regex(/^\d{2,6}$/)),
    /** How long one link works. */
    linkValidHours: z.number().positive(),
    /** When a new link is sent if the first is not used (hours after the first). */
    resendAfterHours: z.array(z.number().positive()),
    /** The e-callback stage's own deadline, from the first link. */
    stageHours: z.number().positive(),
    /** The stage ends sooner so that at least this much of the cooling-off period is left for the phone. */
    minHoursLeftForPhone: z.number().nonnegative(),
    identity: z
      .object({
        /** Wrong identities or codes before the link is locked (the phone takes over). */
        maxTries: z.number().int().min(1),
        codeDigits: z.number().int().min(4).max(8),
        codeValidMinutes: z.number().positive(),
        /** How long the page may take from the verified code to the signature. */
        sessionMinutes: z.number().positive(),
        /** Whether a face verification (人脸识别) must pass before the answers are taken. */
        faceVerification: z.boolean(),
      })
      .strict(),
    /** The page the link opens; the token follows in the URL's fragment, never sent to a server's logs. */
    linkBaseUrl: z.string().url(),
  })
  .strict();
export type ECallbackConfig = z.infer<typeof eCallbackConfigSchema>;
