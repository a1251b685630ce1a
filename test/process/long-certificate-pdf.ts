import { PDFDocument, type PDFFont, type PDFPage, StandardFonts } from 'pdf-lib';

const MILLS = ['Nordstål Valseverk AS', 'Rheinische Röhrenwerke GmbH', 'Acciaierie di Brescia S.p.A.', 'Forges de Lorraine SA'];
const GRADES = [
  ['S355J2+N', 'EN 10025-2'],
  ['1.4462 X2CrNiMoN22-5-3', 'EN 10088-3'],
  ['P265GH', 'EN 10028-2'],
  ['316L / UNS S31603', 'ASTM A182'],
] as const;
const ELEMENTS = ['C', 'Si', 'Mn', 'P', 'S', 'Cr', 'Ni', 'Mo', 'Cu', 'N'];

/**
 * A record book of `pages` pages, one EN 10204 3.1 certificate per page, each with its own
 * numbers, heats, chemistry and mechanical tests: the shape of a compiled MRB section, which is
 * what a 200-page "certificate" is in practice. Text layer only (standard fonts, like most mill
 * software); deterministic, so a run can be repeated.
 */
export async function longCertificatePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  let seed = 20240101;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let p = 1; p <= pages; p++) certificatePage(doc.addPage([595, 842]), fonts, p, next);
  return doc.save();
}

function certificatePage(page: PDFPage, fonts: { regular: PDFFont; bold: PDFFont }, no: number, rnd: () => number): void {
  let y = 800;
  const line = (x: number, text: string, size = 9, bold = false) =>
    page.drawText(text, { x, y, size, font: bold ? fonts.bold : fonts.regular });
  const row = (cells: [number, string][], size = 9) => {
    for (const [x, text] of cells) line(x, text, size);
    y -= size + 5;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const [grade, standard] = pick(GRADES);
  const heat = `${String.fromCharCode(65 + (no % 26))}${(100000 + Math.floor(rnd() * 899999)).toString()}`;

  line(40, pick(MILLS), 14, true);
  y -= 20;
  row([[40, 'INSPECTION CERTIFICATE / ABNAHMEPRÜFZEUGNIS EN 10204 3.1']], 11);
  row([
    [40, `A03 Certificate No.: MC-${2024}-${String(no).padStart(5, '0')}`],
    [330, `Date: 2024-${String((no % 12) + 1).padStart(2, '0')}-${String((no % 27) + 1).padStart(2, '0')}`],
  ]);
  row([
    [40, `A07 Purchase order: PO-${45000 + no}`],
    [330, 'A06 Purchaser: Subsea Fabrication AS'],
  ]);
  row([
    [40, `B01 Product: Seamless pipe ${Math.floor(60 + rnd() * 400)} x ${(5 + rnd() * 20).toFixed(1)} mm`],
    [330, `B02 Grade: ${grade}`],
  ]);
  row([
    [40, `B07 Heat No.: ${heat}`],
    [330, `Standard: ${standard}`],
  ]);
  row([
    [40, `B08 Quantity: ${Math.floor(1 + rnd() * 40)} pcs / ${(rnd() * 12000).toFixed(0)} kg`],
    [330, `B09 Dimensions: L = ${(6 + rnd() * 6).toFixed(2)} m`],
  ]);
  y -= 10;
  row([[40, 'C71-C92 Chemical composition (ladle analysis), mass-%']], 10);
  row(ELEMENTS.map((e, i): [number, string] => [40 + i * 52, e]));
  for (const kind of ['Ladle', 'Product 1', 'Product 2']) {
    row([[40, kind], ...ELEMENTS.slice(1).map((_, i): [number, string] => [92 + i * 52, (rnd() * 1.5).toFixed(3)])]);
  }
  y -= 10;
  row([[40, 'C10-C13 Tensile test at room temperature']], 10);
  row([
    [40, 'Specimen'],
    [140, 'Rp0.2 MPa'],
    [240, 'Rm MPa'],
    [340, 'A5 %'],
    [440, 'Z %'],
  ]);
  for (let s = 1; s <= 4; s++) {
    const rp = 355 + Math.floor(rnd() * 120);
    row([
      [40, `T${s}`],
      [140, String(rp)],
      [240, String(rp + 120 + Math.floor(rnd() * 60))],
      [340, (22 + rnd() * 10).toFixed(1)],
      [440, (55 + rnd() * 15).toFixed(0)],
    ]);
  }
  y -= 10;
  row([[40, 'C40-C43 Charpy V-notch impact test at -46 °C, J']], 10);
  for (let s = 1; s <= 3; s++) {
    row([
      [40, `Set ${s}`],
      [140, String(80 + Math.floor(rnd() * 150))],
      [240, String(80 + Math.floor(rnd() * 150))],
      [340, String(80 + Math.floor(rnd() * 150))],
    ]);
  }
  y -= 10;
  row([[40, 'D01 Visual and dimensional inspection: satisfactory. D02 Hydrostatic test: passed.']]);
  row([[40, 'D05 Non-destructive testing: UT to EN 10246-7 U2, no indications exceeding acceptance level.']]);
  for (let r = 0; r < 8; r++) {
    row([
      [
        40,
        `Remark ${r + 1}: material delivered ${pick(['solution annealed', 'normalised', 'quenched and tempered'])}, marking per ${standard}.`,
      ],
    ]);
  }
  y -= 20;
  row([
    [40, 'Z01 We hereby certify that the material complies with the order.'],
    [400, `Page ${no}`],
  ]);
  row([[40, `Inspector: ${pick(['K. Berg', 'M. Schneider', 'L. Rossi', 'A. Dubois'])}`]]);
}
