/** Writes a valid one-page PDF of about `bytes` bytes (one large binary stream) without holding it in memory. */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

export function writeBigPdf(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  let pos = 0;
  const offsets: number[] = [];
  const put = (s: string | Buffer) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    writeSync(fd, b);
    pos += b.length;
  };
  const obj = (body: string) => {
    offsets.push(pos);
    put(`${offsets.length} 0 obj\n${body}\nendobj\n`);
  };
  try {
    put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    obj('<< /Type /Catalog /Pages 2 0 R >>');
    obj('<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
    obj(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
    );
    const text = 'BT /F1 24 Tf 72 720 Td (Large test document) Tj ET';
    obj(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
    const size = Math.max(0, bytes - 1024);
    offsets.push(pos);
    put(`5 0 obj\n<< /Length ${size} >>\nstream\n`);
    const chunk = 4 * 1024 * 1024;
    for (let done = 0; done < size; done += chunk) put(randomBytes(Math.min(chunk, size - done)));
    put('\nendstream\nendobj\n');
    const xrefAt = pos;
    put(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f\r\n`);
    for (const o of offsets) put(`${String(o).padStart(10, '0')} 00000 n\r\n`);
    put(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  } finally {
    closeSync(fd);
  }
}
