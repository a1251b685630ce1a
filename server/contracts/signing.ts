import { z } from '@hono/zod-openapi';
import { documentClasses } from '../../policies/retention.js';

export const RegisterCredentialBody = z
  .object({
    userId: z.uuid().openapi({ description: 'The signatory the credential is bound to' }),
    p12Base64: z.string().min(1).max(1_000_000).optional().openapi({ description: 'PKCS#12 file, base64' }),
    passphrase: z.string().max(1000).optional(),
    keyPem: z.string().min(1).max(100_000).optional().openapi({ description: 'Private key (PKCS#8 PEM), instead of a P12' }),
    chainPem: z.string().min(1).max(1_000_000).optional().openapi({ description: 'Signer certificate first, then its issuers' }),
    docClasses: z.array(z.enum(documentClasses)).min(1),
    customerIds: z.array(z.uuid()).max(1000).default([]).openapi({ description: 'Empty: every customer' }),
  })
  .openapi('RegisterSigningCredential');

export const CredentialSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    subject: z.string(),
    certSha256: z.string(),
    notAfter: z.string(),
    docClasses: z.array(z.string()),
    customerIds: z.array(z.string()),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('SigningCredential');

export const SignBody = z
  .object({
    reason: z.string().min(1).max(500).openapi({ description: 'The meaning of the signature, e.g. "Approved"' }),
    location: z.string().max(500).optional(),
    level: z.enum(['B-B', 'B-T']).default('B-B'),
  })
  .openapi('SignDocument');

export const SignatureSchema = z
  .object({
    id: z.uuid(),
    documentId: z.uuid(),
    signedRevisionNo: z.number().int(),
    newRevisionNo: z.number().int(),
    signerUserId: z.uuid(),
    credentialId: z.uuid(),
    subject: z.string(),
    reason: z.string(),
    location: z.string().nullable(),
    level: z.enum(['B-B', 'B-T']),
    artifactSha256: z.string(),
    signedAt: z.string(),
    timestamp: z.string().nullable(),
  })
  .openapi('Signature');

const SignatureReportSchema = z.object({
  field: z.string(),
  subFilter: z.string(),
  signer: z.object({ subject: z.string(), serialNumber: z.string(), certSha256: z.string() }).nullable(),
  claimedSigningTime: z.string().nullable(),
  timestamp: z.object({ time: z.string(), valid: z.boolean() }).nullable(),
  level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA', 'none']),
  coversWholeDocument: z.boolean(),
  digestValid: z.boolean(),
  signatureValid: z.boolean(),
  chainTrusted: z.boolean(),
  problems: z.array(z.string()),
});

export const VerifyReportSchema = z
  .object({
    sha256: z.string(),
    signatures: z.array(SignatureReportSchema),
    modifiedAfterLastSignature: z.boolean(),
    valid: z.boolean(),
    problems: z.array(z.string()),
    archived: z.object({ sha256: z.string(), matches: z.boolean() }),
  })
  .openapi('VerificationReport');
