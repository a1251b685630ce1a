import type { signingCredentials } from '../../archive/schema.js';

export type CredentialRow = typeof signingCredentials.$inferSelect;

/** What the API shows of a credential: never the key, sealed or not. */
export function credentialView(row: CredentialRow) {
  return {
    id: row.id,
    userId: row.userId,
    subject: row.subject,
    certSha256: row.certSha256,
    notAfter: row.notAfter.toISOString(),
    docClasses: row.allowedDocClasses,
    customerIds: row.allowedCustomerIds,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
export type CredentialView = ReturnType<typeof credentialView>;
