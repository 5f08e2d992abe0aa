import { describe, expect, it } from 'vitest';
import { admissionCloseReason } from '../../server/transport/admission';
import { retryAfterFromClose, retryDelay } from '../../web/lib/urql/retry';

describe('coming back when a node taking in a storm says when', () => {
  it("reads the wait from the server's own 1013 reason", () => {
    expect(retryAfterFromClose(1013, admissionCloseReason(2_345))).toBe(2_345);
  });

  it('takes no wait from other closes', () => {
    expect(retryAfterFromClose(1006, admissionCloseReason(2_345))).toBe(0);
    expect(retryAfterFromClose(1013, 'Try again later')).toBe(0);
    expect(retryAfterFromClose(1013, undefined)).toBe(0);
    expect(retryAfterFromClose(undefined, undefined)).toBe(0);
  });

  it("comes back at the server's turn, not stretched by its own backoff", () => {
    // Ten failures in a row: its own backoff would be up to 30 s.
    expect(retryDelay(10, 1_250, () => 0.99)).toBe(1_250);
    expect(retryDelay(10, 0, () => 0.5)).toBe(15_000);
    expect(retryDelay(0, 0, () => 0.5)).toBe(250);
  });
});
