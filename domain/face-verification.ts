/**
 * Face verification (人脸识别) for the e-callback: the live capture compared with the policyholder's
 * ID photo by a provider. The interface a real provider plugs in behind; api/simulated-face-verifier.ts
 * stands in for one on this machine.
 */
export interface FaceCheck {
  policyNo: string;
  /** The ID number on the contract (the provider looks up the ID photo by it). */
  idNumber: string;
  /** What the page's capture produced: the provider's session id, or an image as a data URL. */
  capture: string;
}

export interface FaceResult {
  passed: boolean;
  /** The provider's similarity score, 0-1, when it gives one. */
  score?: number;
  provider: string;
}

export interface FaceVerifier {
  verify(check: FaceCheck): Promise<FaceResult>;
}
