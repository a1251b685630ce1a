import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The subset of a @napi-rs/canvas Canvas that OCR needs. */
export interface PageCanvas {
  width: number;
  height: number;
  encode(format: 'png'): Promise<Buffer>;
}

export interface RenderedPage {
  canvas: PageCanvas;
  /** Pixels per PDF point. */
  scale: number;
}

interface CanvasFactory {
  create(w: number, h: number): { canvas: PageCanvas; context: unknown };
}

/**
 * Renders a page to pixels for OCR. The canvas comes from pdfjs's own factory because pdfjs ships
 * its own @napi-rs/canvas and only accepts its own Path2D objects. Form-field appearances are
 * drawn (annotation mode ENABLE): a filled form carries its values only there. The pixel budget
 * keeps an absurd MediaBox from allocating gigabytes.
 */
export async function renderPage(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  dpi = 300,
  opts: { maxPixels?: number } = {},
): Promise<RenderedPage> {
  const maxPixels = opts.maxPixels ?? 40_000_000;
  const base = page.getViewport({ scale: 1 });
  let scale = dpi / 72;
  const pixels = base.width * base.height * scale * scale;
  if (pixels > maxPixels) scale *= Math.sqrt(maxPixels / pixels);
  const viewport = page.getViewport({ scale });
  const factory = doc.canvasFactory as CanvasFactory;
  const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  // pdfjs types its canvas as the DOM's; @napi-rs/canvas implements the same 2D API.
  const params = { canvas, canvasContext: context, viewport, annotationMode: 1, background: '#ffffff' } as unknown as Parameters<
    PDFPageProxy['render']
  >[0];
  await page.render(params).promise;
  return { canvas, scale };
}
