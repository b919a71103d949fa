/**
 * A call recording uploaded through the staff pages: what its content must be (audio, by its first
 * bytes: the name and the browser's Content-Type can lie), how large it may be, and where it is kept.
 * The checksum the callback closes on is the server's, computed while the file is stored.
 */
export type AudioType = 'wav' | 'mp3' | 'amr' | 'm4a' | 'ogg';

/** Largest recording accepted: a half-hour call in 16-bit 8 kHz WAV is about 29 MiB. */
export const DEFAULT_RECORDING_LIMIT_BYTES = 64 * 1024 * 1024;

/** The Content-Types a recording upload may be sent as (the content itself is checked too). */
export const RECORDING_CONTENT_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/mpeg', 'audio/amr', 'audio/mp4', 'audio/x-m4a', 'audio/ogg'] as const;

/** How many first bytes `sniffAudioType` needs. */
export const AUDIO_HEAD_BYTES = 12;

/** The audio type of the content, by its first bytes; undefined when it is not a recording we keep. */
export function sniffAudioType(head: Uint8Array): AudioType | undefined {
  const ascii = (from: number, text: string) => [...text].every((c, i) => head[from + i] === c.charCodeAt(0));
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'wav';
  if (ascii(0, 'ID3') || (head[0] === 0xff && head[1] !== undefined && (head[1] & 0xe0) === 0xe0)) return 'mp3';
  if (ascii(0, '#!AMR')) return 'amr';
  if (ascii(4, 'ftyp')) return 'm4a';
  if (ascii(0, 'OggS')) return 'ogg';
  return undefined;
}

/** Where the recording of `attemptId` is kept (version 2 and on: a second upload never replaces the first). */
export function recordingReference(policyNo: string, attemptId: string, type: AudioType, version = 1): string {
  return `recordings/${policyNo}/${attemptId}${version > 1 ? `.v${version}` : ''}.${type}`;
}

/** Whether a callback in `stage` takes a recording now (a late one after the case went to the branch for it, too). */
export function acceptsRecording(stage: string, escalationCause?: string): boolean {
  return stage === 'AWAITING_RECORDING' || (stage === 'UNRESOLVED' && escalationCause === 'recording');
}
