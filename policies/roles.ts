/**
 * Roles and the permission matrix. Pure data and functions: no I/O. Every use case asks
 * `can(actor, permission)` first; scoping to organization/customer is in `scope.ts`.
 */
export const roles = ['admin', 'document_controller', 'signatory', 'auditor', 'customer'] as const;
export type Role = (typeof roles)[number];

export const permissions = [
  'artifact.read',
  'artifact.create',
  'artifact.delete',
  'document.read',
  'document.create',
  'document.review',
  'customer.read',
  'customer.manage',
  'order.read',
  'order.manage',
  'signature.create',
  'book.publish',
  'integrity.run',
  'legal_hold.set',
  'audit.read',
  'user.manage',
  'token.manage',
  'magic_link.manage',
] as const;
export type Permission = (typeof permissions)[number];

const staffRead: Permission[] = ['artifact.read', 'document.read', 'customer.read', 'order.read'];

const matrix: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(permissions),
  document_controller: new Set<Permission>([
    ...staffRead,
    'artifact.create',
    'document.create',
    'document.review',
    'customer.manage',
    'order.manage',
    'book.publish',
    'magic_link.manage',
  ]),
  signatory: new Set<Permission>([...staffRead, 'signature.create']),
  auditor: new Set<Permission>([...staffRead, 'integrity.run', 'audit.read']),
  customer: new Set<Permission>(['artifact.read', 'document.read', 'order.read']),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return matrix[role].has(permission);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
