/**
 * Delivery signing (spec §1.9, §15.9): `X-MLflow-Signature: v1,<base64(HMAC-SHA256(secret,
 * "<delivery_id>.<timestamp>.<body>"))>`, so a receiver can check origin and freshness of each attempt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signDelivery(secret: string, deliveryId: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** What a receiver does; used by our tests and offered to TypeScript receivers. */
export function verifyDelivery(
  secret: string,
  headers: { deliveryId: string; timestamp: number; signature: string },
  body: string,
): boolean {
  const expected = Buffer.from(signDelivery(secret, headers.deliveryId, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
