/**
 * CSV for `text/csv` scoring requests (spec §6.3) and `models predict`: RFC 4180 fields (quotes, doubled
 * quotes, CR/LF), header row required. The parser is incremental so predict can stream files of any
 * size: push chunks, take complete rows.
 */
import { badRequest } from '../errors.ts';
import type { ParsedData } from './parse-request.ts';

export class CsvParser {
  private field = '';
  private row: (string | null)[] = [];
  private rows: (string | null)[][] = [];
  private inQuotes = false;
  private quoted = false;
  /** True right after a closing quote: the next char must be a separator or a line end. */
  private afterQuote = false;
  private pendingCR = false;
  /** The previous chunk ended on a quote inside a quoted field: it may be the first of a doubled quote. */
  private quoteAtEnd = false;

  /** Parses a chunk and returns the rows it completed. */
  push(chunk: string): (string | null)[][] {
    let start = 0;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (chunk.charCodeAt(0) === 34) {
        this.field += '"';
        this.inQuotes = true;
        this.afterQuote = false;
        start = 1;
      }
    }
    for (let i = start; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === 10) continue; // \r\n
      }
      if (this.inQuotes) {
        if (ch === 34) {
          if (chunk.charCodeAt(i + 1) === 34) {
            this.field += '"';
            i++;
          } else {
            // At a chunk's end this may be half of a doubled quote: the next chunk decides.
            if (i + 1 === chunk.length) this.quoteAtEnd = true;
            this.inQuotes = false;
            this.afterQuote = true;
          }
        } else this.field += chunk[i];
        continue;
      }
      if (ch === 44) this.endField();
      else if (ch === 10 || ch === 13) {
        this.endField();
        this.endRow();
        if (ch === 13) this.pendingCR = true;
      } else if (ch === 34 && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else {
        if (this.afterQuote)
          throw badRequest('Failed to parse CSV input: unexpected character after a quote.');
        this.field += chunk[i];
      }
    }
    return this.take();
  }

  /** Ends the input; returns the last row if the text did not end with a newline. */
  end(): (string | null)[][] {
    if (this.inQuotes) throw badRequest('Failed to parse CSV input: unterminated quoted field.');
    if (this.field !== '' || this.row.length > 0 || this.quoted) {
      this.endField();
      this.endRow();
    }
    return this.take();
  }

  private endField() {
    // An empty unquoted field is a missing value (pandas reads it as NaN).
    this.row.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRow() {
    if (!(this.row.length === 1 && this.row[0] === null)) this.rows.push(this.row); // skip blank lines
    this.row = [];
  }

  private take() {
    const out = this.rows;
    this.rows = [];
    return out;
  }
}

/** A whole CSV body → rows with the header as column names. */
export function parseCsv(text: string): ParsedData {
  const parser = new CsvParser();
  const rows = [...parser.push(text), ...parser.end()];
  const header = rows.shift();
  if (!header) throw badRequest('Failed to parse CSV input: the body is empty (a header row is required).');
  return { kind: 'rows', columns: header.map((h) => h ?? ''), data: csvRowsToValues(rows, header.length) };
}

/**
 * CSV fields are text; a field that reads as a number becomes one, so a model without a signature gets
 * numeric columns (pandas infers the same), and signature casts still see numbers or numeric strings.
 */
export function csvRowsToValues(rows: (string | null)[][], width: number): unknown[][] {
  return rows.map((row, r) => {
    if (row.length !== width) {
      throw badRequest(
        `Failed to parse CSV input: expected ${width} fields in line ${r + 2}, saw ${row.length}.`,
      );
    }
    return row.map((f) => {
      if (f === null) return null;
      const n = Number(f);
      return f.trim() !== '' && !Number.isNaN(n) ? n : f;
    });
  });
}
