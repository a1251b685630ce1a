import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('runs embedded with no settings at all', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.ARKIV_DATA_DIR).toBe('./data');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.S3_ENDPOINT).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty values as unset and coerces numbers and booleans', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '9000', S3_FORCE_PATH_STYLE: 'false' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(9000);
    expect(config.S3_FORCE_PATH_STYLE).toBe(false);
  });

  it('fails at boot naming the setting at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
    expect(() => loadConfig({ S3_ENDPOINT: 'http://s3.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ S3_ENDPOINT: 'http://s3.local' })).toThrow(/S3_ACCESS_KEY_ID/);
  });
});
