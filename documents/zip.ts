/**
 * Just enough of the ZIP format for .xlsx files: stamping every entry with one fixed date (exceljs's
 * zip library stamps entries with the current time, so the same register written twice would differ
 * byte for byte) and reading entries back (tests look inside the workbook's XML).
 */
import { inflateRawSync } from 'node:zlib';

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

interface CentralEntry {
  name: string;
  /** Offset of the entry's record in the central directory. */
  centralOffset: number;
  localOffset: number;
  method: number;
  compressedSize: number;
}

function centralDirectory(zip: Buffer): CentralEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: CentralEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIG) throw new Error(`zip central directory is damaged at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      centralOffset: at,
      localOffset: zip.readUInt32LE(at + 42),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A copy of `zip` with every entry's modification time set to 00:00 on `date` (YYYY-MM-DD). */
export function withZipEntryDates(zip: Buffer, date: string): Buffer {
  const [y, m, d] = date.split('-').map(Number);
  const dosDate = ((y - 1980) << 9) | (m << 5) | d;
  const dosTime = 0;
  const out = Buffer.from(zip);
  for (const entry of centralDirectory(out)) {
    out.writeUInt16LE(dosTime, entry.centralOffset + 12);
    out.writeUInt16LE(dosDate, entry.centralOffset + 14);
    if (out.readUInt32LE(entry.localOffset) !== LOCAL_SIG) throw new Error(`zip entry ${entry.name} has no local header`);
    out.writeUInt16LE(dosTime, entry.localOffset + 10);
    out.writeUInt16LE(dosDate, entry.localOffset + 12);
  }
  return out;
}

/** Every entry of a zip file, uncompressed, by name (stored and deflated entries only). */
export function readZipEntries(zip: Buffer): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  for (const entry of centralDirectory(zip)) {
    const local = entry.localOffset;
    if (zip.readUInt32LE(local) !== LOCAL_SIG) throw new Error(`zip entry ${entry.name} has no local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) result.set(entry.name, Buffer.from(data));
    else if (entry.method === 8) result.set(entry.name, inflateRawSync(data));
    else throw new Error(`zip entry ${entry.name} uses compression method ${entry.method}`);
  }
  return result;
}
