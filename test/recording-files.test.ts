/** Recording uploads (domain/recording-files.ts): audio by content, references per attempt, the stages that take one. */
import { acceptsRecording, recordingReference, sniffAudioType } from '../domain/recording-files';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

test.each([
  ['wav', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
  ['mp3', bytes('ID3', [4, 0, 0, 0, 0, 0, 0, 0, 0])],
  ['mp3', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0])],
  ['amr', bytes('#!AMR\n', [0, 0, 0, 0, 0, 0])],
  ['m4a', bytes([0, 0, 0, 0x20], 'ftypM4A ')],
  ['ogg', bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0])],
])('%s is recognised by its first bytes', (type, head) => {
  expect(sniffAudioType(head)).toBe(type);
});

test.each([
  ['HTML named .wav', bytes('<html><body>x</body>')],
  ['a PDF', bytes('%PDF-1.4 scanned')],
  ['RIFF that is not WAVE (an AVI)', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
  ['nothing', bytes('')],
])('%s is not a recording', (_what, head) => {
  expect(sniffAudioType(head)).toBeUndefined();
});

test('a recording is kept under its policy and attempt; a second upload beside the first', () => {
  expect(recordingReference('P1', 'P1-2', 'wav')).toBe('recordings/P1/P1-2.wav');
  expect(recordingReference('P1', 'P1-2', 'mp3', 2)).toBe('recordings/P1/P1-2.v2.mp3');
});

test('a recording is taken while one is awaited, or late once the case went to the branch for it', () => {
  expect(acceptsRecording('AWAITING_RECORDING')).toBe(true);
  expect(acceptsRecording('UNRESOLVED', 'recording')).toBe(true);
  expect(acceptsRecording('UNRESOLVED', 'level-1')).toBe(false);
  expect(acceptsRecording('CALLING')).toBe(false);
  expect(acceptsRecording('COMPLETED')).toBe(false);
});
