import type { ByteSource } from '../pdf/byte-source.js';
import type { FoundSignature } from './find-signatures.js';
import { byteRangeNumbers } from './find-signatures.js';

export interface ByteRangeCheck {
  ranges: Array<[number, number]> | undefined;
  /** End of the signed revision (b + c). */
  end: number;
  coversWholeDocument: boolean;
  problems: string[];
}

/**
 * The ByteRange must be [0 a b c]: from the first byte, a gap that is exactly the /Contents
 * string (so nothing but the signature itself is unsigned), ending at a revision boundary
 * (%%EOF). Anything else lets an attacker hide bytes from the digest.
 */
export function checkByteRange(found: FoundSignature, src: ByteSource): ByteRangeCheck {
  const br = byteRangeNumbers(found.byteRange);
  const fail = (problem: string): ByteRangeCheck => ({ ranges: undefined, end: 0, coversWholeDocument: false, problems: [problem] });
  if (!br) return fail('signature has no valid /ByteRange');
  if (br.length !== 4) return fail(`ByteRange has ${br.length} numbers; exactly 4 (one gap) are required`);
  const [start = 0, a = 0, b = 0, c = 0] = br;
  const problems: string[] = [];
  if (br.some((n) => n < 0)) return fail('ByteRange contains negative numbers');
  if (start !== 0) problems.push(`ByteRange starts at byte ${start}, not 0: the file header is not signed`);
  if (b < a) return fail('ByteRange ranges overlap');
  const end = b + c;
  if (end > src.size) return fail(`ByteRange reaches byte ${end} but the file has ${src.size}`);
  const contents = found.contents;
  if (!contents) problems.push('signature has no /Contents string');
  else if (!found.spanKnown || contents.start < 0)
    problems.push('signature dictionary is inside an object stream: its /Contents cannot be matched to the ByteRange gap');
  else if (contents.start !== a || contents.end !== b) {
    problems.push(
      `ByteRange gap [${a}, ${b}) is not exactly the /Contents string [${contents.start}, ${contents.end}): unsigned bytes are hidden in it`,
    );
  }
  const tail = Buffer.from(src.read(Math.max(0, end - 16), Math.min(16, end))).toString('latin1');
  if (!/%%EOF\s*$/.test(tail)) problems.push('signed range does not end at the end of a revision (%%EOF)');
  return {
    ranges: [
      [start, a - start],
      [b, c],
    ],
    end,
    coversWholeDocument: start === 0 && end === src.size,
    problems,
  };
}
