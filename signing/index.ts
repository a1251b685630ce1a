/**
 * Public API of signing/: what the server (CLI, routes, ingest) may import. The API path for
 * `POST /documents/{id}/sign` builds a SigningCredential from the decrypted key + chain
 * (`credentialFromPem`), spools the current revision to a temp file and calls `signPdfFile`.
 */
export { isSigningError, SigningError, type SigningErrorCode } from './errors.js';
export { type Cert, certFromDer, certsFromPem } from './pki/certificate.js';
export { assertUsableAt, credentialFromPem, type SigningCredential } from './pki/credential.js';
export { loadP12 } from './pki/p12.js';
export { listCredentials, type RegisterCredentialInput, registerCredential, revokeCredential } from './service/credentials.js';
export { type SignDocumentInput, signDocument } from './service/sign-document.js';
export type { SigningDeps } from './service/signing-deps.js';
export { type VerifyUploadResult, verifyUpload } from './service/verify-upload.js';
export { type SignOptions, type SignResult, signPdfBytes, signPdfFile } from './sign/sign-pdf.js';
export { requestTimestamp, type TsaOptions } from './tsa/tsa-client.js';
export { formatReport } from './verify/format-report.js';
export type { SignatureLevel, SignatureReport, VerificationReport } from './verify/report.js';
export { type VerifyOptions, verifyPdfBytes, verifyPdfFile } from './verify/verify-pdf.js';
