import { describe, expect, it } from 'vitest';
import { admissionCloseReason } from '../../server/transport/admission';
import { retryAfterFromClose } from '../../web/lib/urql/ws';

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
});
