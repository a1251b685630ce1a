import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';
import { open, seal } from './secret-box.js';

describe('password hashes and sealed secrets', () => {
  it('salts each scrypt hash and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('binds a sealed TOTP secret to its user', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:u1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(key, sealed, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => open(key, sealed, 'totp:u2')).toThrow();
    expect(() => open(Buffer.alloc(32, 8), sealed, 'totp:u1')).toThrow();
  });
});
