import { PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import type { IntegrityRun } from '../../archive/integrity/run-integrity.js';
import type { RunSummary } from '../../archive/integrity/run-state.js';
import type { IntegrityFinding } from '../../archive/integrity/runs.js';

const PAGE = { width: 595, height: 842, margin: 50 };
const SIZE = 9;
const LEAD = 12;

/** The standard fonts only encode WinAnsi; anything else is replaced rather than failing the report. */
const printable = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

/**
 * The report for people: summary, coverage, method, timing and every finding with its artifact and
 * kind. Plain text on A4, so it renders anywhere; the JSON report carries the same facts for machines.
 */
export async function renderReportPdf(input: {
  run: IntegrityRun;
  summary: RunSummary;
  findings: IntegrityFinding[];
}): Promise<Uint8Array> {
  const { run, summary, findings } = input;
  const doc = await PDFDocument.create();
  doc.setTitle(`Arkiv integrity report ${run.id}`);
  doc.setProducer('Arkiv');
  doc.setCreationDate(run.finishedAt ?? new Date());
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin;
  const line = (text: string, f: PDFFont = font, size = SIZE) => {
    for (const part of wrap(printable(text), f, size, PAGE.width - 2 * PAGE.margin)) {
      if (y < PAGE.margin) {
        page = doc.addPage([PAGE.width, PAGE.height]);
        y = PAGE.height - PAGE.margin;
      }
      page.drawText(part, { x: PAGE.margin, y, size, font: f });
      y -= size + (LEAD - SIZE);
    }
  };
  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  line('Arkiv integrity report', bold, 16);
  y -= 6;
  line(`Organization ${run.orgId}  -  run ${run.id} (${run.scope}, requested by ${run.requestedBy})`);
  line(
    `Started ${run.startedAt.toISOString()}, finished ${run.finishedAt?.toISOString() ?? '-'}, ${(summary.durationMs / 1000).toFixed(1)} s of work`,
  );
  line(`Result: ${summary.ok ? 'no findings' : `${summary.findings} finding(s)`}`, bold, 11);
  y -= 6;
  line('Coverage', bold, 11);
  if (summary.inventory) line(`Store inventory: ${summary.inventory.objects} object version(s), ${mib(summary.inventory.bytes)}`);
  line(`Fixity: ${summary.fixity.objects} artifact(s) re-read by version and re-hashed, ${mib(summary.fixity.bytes)}`);
  line(`Signatures re-verified: ${summary.signatures ? summary.signatures.checked : 'not part of this run'}`);
  line(
    summary.audit
      ? `Audit chain: ${summary.audit.entries} entries recomputed, ${summary.audit.checkpointsVerified} signed checkpoint(s) reproduced`
      : 'Audit chain: not part of this run',
  );
  line(`Method: ${summary.method}`);
  y -= 6;
  line('Findings by kind', bold, 11);
  if (Object.keys(summary.byKind).length === 0) line('none');
  for (const [kind, n] of Object.entries(summary.byKind)) line(`${kind}: ${n}`);
  y -= 6;
  if (findings.length > 0) line('Findings', bold, 11);
  for (const f of findings) {
    line(`${f.kind}${f.artifactId ? `  artifact ${f.artifactId}` : ''}`, bold);
    if (f.objectKey) line(`object ${f.objectKey}${f.versionId ? ` version ${f.versionId}` : ''}`);
    line(f.message);
    y -= 3;
  }
  return doc.save();
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !current) current = next;
    else {
      out.push(current);
      current = word;
    }
  }
  out.push(current);
  // A single word wider than the line (a long object key) is cut rather than run off the page.
  return out.flatMap((l) => (l.length > 110 ? (l.match(/.{1,110}/g) ?? [l]) : [l]));
}
