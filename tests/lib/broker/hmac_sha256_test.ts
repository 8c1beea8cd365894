import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { HmacSha256 } from "../../../lib/broker/mod.ts";

const bytes = (hex: string): Uint8Array =>
  new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));

Deno.test("HmacSha256 gives the RFC 4231 test vectors", () => {
  // Test cases 1, 2, 3 and 6 (a 131-byte key, hashed first) and 7 (a long key and message).
  const key20 = bytes("0b".repeat(20));
  assert.equal(
    new HmacSha256(key20).hex("Hi There"),
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  );
  assert.equal(
    new HmacSha256("Jefe").hex("what do ya want for nothing?"),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  const long = bytes("aa".repeat(131));
  assert.equal(
    new HmacSha256(long).hex("Test Using Larger Than Block-Size Key - Hash Key First"),
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  );
  assert.equal(
    new HmacSha256(long).hex(
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    ),
    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  );
});

Deno.test("HmacSha256 equals node:crypto on every length across the block boundaries, reused", () => {
  const keys = ["", "sim-bybit-secret-0", "k".repeat(64), "é-secret-ключ", "x".repeat(200)];
  for (const key of keys) {
    const hmac = new HmacSha256(key);
    for (let length = 0; length <= 300; length++) {
      // ASCII, then multi-byte characters so the UTF-8 length differs from the string length.
      for (const unit of ["a", "é", "€", "😀"]) {
        const text = `${length}`.padEnd(length, unit);
        assert.equal(
          hmac.hex(text),
          createHmac("sha256", key).update(text).digest("hex"),
          `key ${JSON.stringify(key)}, ${JSON.stringify(text)}`,
        );
      }
    }
    // A long message grows the buffer; the next short one must not see its leftovers.
    const big = "z".repeat(5000);
    assert.equal(hmac.hex(big), createHmac("sha256", key).update(big).digest("hex"));
    assert.equal(hmac.hex("short"), createHmac("sha256", key).update("short").digest("hex"));
  }
});
