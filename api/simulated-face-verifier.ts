/**
 * A stand-in for a face-verification provider (domain/face-verification.ts): no camera, no ID photo.
 * It passes a capture unless the capture says 'no-match', so tests can take both paths. Never in
 * production: a real provider is configured in its place.
 */
import type { FaceCheck, FaceResult, FaceVerifier } from '../domain/face-verification';

export class SimulatedFaceVerifier implements FaceVerifier {
  async verify(check: FaceCheck): Promise<FaceResult> {
    const passed = check.capture !== 'no-match';
    return { passed, score: passed ? 0.93 : 0.12, provider: 'simulated' };
  }
}
