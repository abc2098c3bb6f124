/**
 * The fast path of `models predict` for numeric CSV: a chunk of whole rows scanned straight into typed
 * columns, without the per-row field arrays, per-field strings and string-to-number casts of the
 * general path (CsvParser → csvRowsToValues → prepareInput). Like fast-split.ts it only answers "here
 * is the frame" or null, and null sends the chunk the general way — an empty field, quotes, text, a
 * ragged row — so error messages and edge cases stay the general path's.
 */
import type { Schema } from '../format/signature.ts';
import { frameFromFlat, numericSchema } from './fast-split.ts';
import type { Frame } from './model-input.ts';
import { growBuffer, numberEnd, scanNumber, scratchBuffer } from './scan-number.ts';

export function fastCsvFrame(text: string, header: string[], schema: Schema | null): Frame | null {
  if (!numericSchema(schema) || header.length === 0) return null;
  const width = header.length;
  const n = text.length;
  let flat = scratchBuffer();
  let count = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === 10) {
      i++; // the general path skips empty lines
      continue;
    }
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      i += 2;
      continue;
    }
    for (let f = 0; f < width; f++) {
      const v = scanNumber(text, i, true);
      if (Number.isNaN(v)) return null;
      if (count === flat.length) flat = growBuffer(flat, count);
      flat[count++] = v;
      i = numberEnd;
      c = text.charCodeAt(i);
      if (f < width - 1) {
        if (c !== 44) return null;
        i++;
      }
    }
    if (c === 13) c = text.charCodeAt(++i);
    if (c === 10) i++;
    else if (i < n) return null; // more fields than the header names, or junk after a number
  }
  if (count === 0) return null;
  return frameFromFlat(flat, count, width, header, schema);
}
