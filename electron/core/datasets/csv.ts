// RFC 4180 CSV: quoted fields with commas, doubled quotes and line breaks. Rows carry the line they start
// on, so a malformed row can be reported by line number.
export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inQuotes) {
      if (c === '"' && body[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') inQuotes = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') inQuotes = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (inQuotes) throw new CsvError(rowLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Rows as records keyed by the header; every row must have the header's number of fields. */
export function parseCsvRecords(text: string, required: readonly string[]): { line: number; record: Record<string, string> }[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new CsvError(1, 'the file is empty');
  const missing = required.filter((c) => !header.fields.includes(c));
  if (missing.length) throw new CsvError(1, `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return rows.map(({ line, fields }) => {
    if (fields.length !== header.fields.length) throw new CsvError(line, `expected ${header.fields.length} fields, found ${fields.length}`);
    return { line, record: Object.fromEntries(header.fields.map((h, i) => [h, fields[i]!])) };
  });
}
