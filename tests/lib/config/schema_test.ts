import assert from "node:assert/strict";
import { applyDefaults, describeField, field } from "../../../lib/config/schema.ts";

Deno.test("describeField names each kind of field for error messages", () => {
  assert.equal(describeField(field.string()), "a string");
  assert.equal(describeField(field.number()), "a number");
  assert.equal(describeField(field.number({ integer: true })), "an integer");
  assert.equal(describeField(field.boolean()), "true or false");
  assert.equal(describeField(field.enum(["a", "b"])), 'one of "a", "b"');
  assert.equal(describeField(field.array(field.number({ integer: true }))), "an array of integers");
  assert.equal(describeField(field.table({})), "a table");
  assert.equal(describeField(field.map(field.string())), "a table");
});

Deno.test("applyDefaults fills missing keys, recursing into tables, and keeps given values", () => {
  const schema = field.table({
    a: field.number({ default: 1 }),
    b: field.string({ default: "x" }),
    c: field.number(),
    t: field.table({ d: field.boolean({ default: false }), e: field.number() }),
    empty: field.table({ f: field.number() }),
    m: field.map(field.number()),
  });
  assert.deepEqual(applyDefaults(schema, { b: "given", t: { e: 2 } }), {
    a: 1,
    b: "given",
    t: { d: false, e: 2 },
  });
  assert.deepEqual(applyDefaults(schema, {}), { a: 1, b: "x", t: { d: false } });
});

Deno.test("applyDefaults does not mutate its input", () => {
  const schema = field.table({ a: field.number({ default: 1 }) });
  const input = {};
  applyDefaults(schema, input);
  assert.deepEqual(input, {});
});
