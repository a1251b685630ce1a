import { PdfDict, PdfName, type PdfObject, PdfRef, PdfStream, PdfString } from './objects.js';

/**
 * Writes objects for an incremental update. Strings always go out as hex so no escaping rule can
 * be got wrong; streams are never re-serialized (an update only rewrites dictionaries).
 */
export function serialize(value: PdfObject): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatNumber(value);
  if (value instanceof PdfName) return nameToken(value.name);
  if (value instanceof PdfString) return `<${Buffer.from(value.bytes).toString('hex')}>`;
  if (value instanceof PdfRef) return `${value.num} ${value.gen} R`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(' ')}]`;
  if (value instanceof PdfDict) {
    const parts = [...value.map].map(([k, v]) => `${nameToken(k)} ${serialize(v)}`);
    return `<<${parts.join(' ')}>>`;
  }
  if (value instanceof PdfStream) throw new Error('streams are never re-serialized');
  throw new Error('unknown PDF object');
}

export function nameToken(name: string): string {
  let out = '/';
  for (const ch of Buffer.from(name, 'latin1')) {
    const regular = ch > 0x20 && ch < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(ch));
    out += regular ? String.fromCharCode(ch) : `#${ch.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

export const pdfText = (text: string): PdfString => {
  // PDFDocEncoding covers Latin-1 text; anything else goes out as UTF-16BE with a BOM.
  const latin = /^[\x20-\x7e\xa0-\xff]*$/.test(text);
  if (latin) return new PdfString(Buffer.from(text, 'latin1'));
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
};

/** `D:YYYYMMDDHHmmSSZ`, always UTC, as the signature dictionary's /M. */
export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** Parses a PDF date string (lenient about the optional parts); undefined if it is not one. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (sign === '+' || sign === '-') t -= (sign === '+' ? 1 : -1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return Number.isNaN(t) ? undefined : new Date(t);
}
