/** Stable reasons a job fails; recorded with the job, so never renamed. */
export type ExtractionErrorCode =
  | 'pdf_encrypted'
  | 'pdf_malformed'
  | 'not_a_pdf'
  | 'timeout'
  | 'memory_limit'
  | 'worker_crashed'
  | 'pool_closed'
  | 'internal';

export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }

  toJSON(): { code: ExtractionErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Maps what pdfjs throws to a stable code; messages stay human and carry no paths. */
export function classifyFailure(err: unknown): ExtractionError {
  if (err instanceof ExtractionError) return err;
  const name = err && typeof err === 'object' && 'name' in err ? String(err.name) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'PasswordException' || /password|encrypt/i.test(message))
    return new ExtractionError('pdf_encrypted', 'the PDF is encrypted and cannot be opened without a password or key');
  if (name === 'InvalidPDFException' && /no pdf header|invalid pdf structure/i.test(message) && /header/i.test(message))
    return new ExtractionError('not_a_pdf', 'the file is not a PDF');
  if (
    name === 'InvalidPDFException' ||
    name === 'FormatError' ||
    name === 'UnknownErrorException' ||
    /pdf|xref|page|object/i.test(message)
  ) {
    return new ExtractionError('pdf_malformed', `the PDF could not be parsed: ${message.slice(0, 200)}`);
  }
  return new ExtractionError('internal', `extraction failed: ${message.slice(0, 200)}`);
}
