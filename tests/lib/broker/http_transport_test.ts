import assert from "node:assert/strict";
import { keepAliveFetch } from "../../../lib/broker/mod.ts";
import { startRawServer } from "./_raw_http_server.ts";

Deno.test("keepAliveFetch keeps one connection per origin and reuses it", async () => {
  const answer =
    (name: string) => (connection: Parameters<Parameters<typeof startRawServer>[0]>[0]) =>
      (async () => {
        while ((await connection.readRequest()) !== undefined) {
          await connection.write(
            `HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`,
          );
        }
      })();
  const a = startRawServer(answer("a"));
  const b = startRawServer(answer("b"));
  const send = keepAliveFetch({ timeoutMs: 2000 });
  try {
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      texts.push(await (await send(`${a.origin}/x?i=${i}`)).text());
      texts.push(
        await (await send(new URL(`${b.origin}/y`), { method: "POST", body: "z" })).text(),
      );
    }
    assert.deepEqual(texts, ["a", "b", "a", "b", "a", "b"]);
    assert.equal(a.accepted(), 1);
    assert.equal(b.accepted(), 1);
    assert.deepEqual(a.requests.map((r) => r.line), [
      "GET /x?i=0 HTTP/1.1",
      "GET /x?i=1 HTTP/1.1",
      "GET /x?i=2 HTTP/1.1",
    ]);
    assert.equal(b.requests[0]?.body, "z");
  } finally {
    await a.stop();
    await b.stop();
  }
});

Deno.test("keepAliveFetch refuses what is not an http(s) URL with a TypeError", async () => {
  const send = keepAliveFetch();
  await assert.rejects(send("not a url"), /keepAliveFetch: "not a url" is not a URL/);
  await assert.rejects(send("ftp://127.0.0.1/x"), /not an http: or https: origin/);
});
