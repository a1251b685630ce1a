import { PSM, type Worker } from 'tesseract.js';
import type { CanvasMaker, OcrCanvas } from './prepare-image.js';

/** A box in image pixels. */
export interface PxBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface CropCtx {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(img: unknown, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
}

export interface CropReading {
  text: string;
  /** 0..1 */
  conf: number;
}

/**
 * Reads small regions of the prepared page one at a time, each cut out onto its own white margin.
 * Tesseract gives a region read on its own a line model of its own, instead of the page layout's
 * guess; cutting the crop here keeps each call to a few kilobytes instead of re-sending the page.
 */
export class CropReader {
  private mode: string | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly page: OcrCanvas,
    private readonly maker: CanvasMaker,
  ) {}

  async read(box: PxBox, psm: PSM, whitelist = ''): Promise<CropReading> {
    const mode = `${psm}|${whitelist}`;
    if (mode !== this.mode) {
      await this.worker.setParameters({ tessedit_pageseg_mode: psm, tessedit_char_whitelist: whitelist });
      this.mode = mode;
    }
    const x0 = Math.max(0, Math.floor(box.x0));
    const y0 = Math.max(0, Math.floor(box.y0));
    const w = Math.min(this.page.width, Math.ceil(box.x1)) - x0;
    const h = Math.min(this.page.height, Math.ceil(box.y1)) - y0;
    if (w < 2 || h < 2) return { text: '', conf: 0 };
    // A margin of about a line height: tesseract reads glyphs touching the border badly.
    const pad = Math.max(10, Math.round(h * 0.6));
    const made = this.maker.create(w + 2 * pad, h + 2 * pad);
    const ctx = made.context as CropCtx;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w + 2 * pad, h + 2 * pad);
    ctx.drawImage(this.page, x0, y0, w, h, pad, pad, w, h);
    const png = await (made.canvas as OcrCanvas).encode('png');
    const { data } = await this.worker.recognize(png, {}, { text: true });
    return { text: data.text.trim(), conf: data.confidence / 100 };
  }

  /** Back to whole-page reading parameters. */
  async reset(): Promise<void> {
    await this.worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT, tessedit_char_whitelist: '' });
    this.mode = undefined;
  }
}
