import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../web/lib/account/device';

describe('device labels for signed-in sessions', () => {
  it('names the browser and the system', () => {
    const chrome =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
    expect(deviceLabel(chrome)).toBe('Chrome on macOS');
    expect(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe(
      'Firefox on Windows',
    );
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1';
    expect(deviceLabel(iphone)).toBe('Safari on iOS');
    expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0')).toBe(
      'Edge on Linux',
    );
    expect(deviceLabel('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36')).toBe(
      'Chrome on Android',
    );
  });

  it('falls back to the text itself, shortened, or says it is unknown', () => {
    expect(deviceLabel('curl/8.5.0')).toBe('curl');
    expect(deviceLabel('my-bot/1.0')).toBe('my-bot/1.0');
    expect(deviceLabel('x'.repeat(100))).toHaveLength(60);
    expect(deviceLabel('  ')).toBe('Unknown device');
  });
});
