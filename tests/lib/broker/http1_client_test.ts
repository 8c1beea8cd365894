import assert from "node:assert/strict";
import { Http1Client, Http1Error } from "../../../lib/broker/mod.ts";
import { type RawConnection, startRawServer } from "./_raw_http_server.ts";

const OK = (body: string, extra = ""): string =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${
    new TextEncoder().encode(body).length
  }\r\n\r\n${body}`;

async function answerAll(connection: RawConnection, reply: (n: number) => string): Promise<void> {
  for (let n = 0;; n++) {
    const request = await connection.readRequest();
    if (request === undefined) return;
    await connection.write(reply(n));
  }
}

Deno.test("Http1Client sends method, target, headers and body, and reuses one connection", async () => {
  const seen: { method: string; url: string; body: string; type: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({
      method: req.method,
      url: req.url,
      body: await req.text(),
      type: req.headers.get("content-type"),
    });
    return new Response(`{"n":${seen.length}}`, { headers: { "X-Bapi-Limit-Status": "9" } });
  });
  const client = new Http1Client({ origin: `http://127.0.0.1:${server.addr.port}` });
  try {
    const first = await client.request({
      method: "POST",
      target: "/v5/order/create",
      headers: { "Content-Type": "application/json" },
      body: '{"qty":"0.001","note":"é"}',
    });
    assert.equal(first.status, 200);
    assert.equal(first.text(), '{"n":1}');
    assert.equal(first.headers.get("x-bapi-limit-status"), "9");
    const second = await client.request({ method: "GET", target: "/v5/market/time?a=1&b=x%20y" });
    assert.equal(second.text(), '{"n":2}');
    await client.request({ method: "GET", target: "/" });
    assert.deepEqual(seen.map((s) => [s.method, new URL(s.url).pathname + new URL(s.url).search]), [
      ["POST", "/v5/order/create"],
      ["GET", "/v5/market/time?a=1&b=x%20y"],
      ["GET", "/"],
    ]);
    assert.equal(seen[0]?.body, '{"qty":"0.001","note":"é"}');
    assert.equal(seen[0]?.type, "application/json");
    assert.deepEqual(client.stats, { connections: 1, reused: 2, open: 1, cold: 1 });
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("Http1Client reads answers split into single-byte packets, chunked and by length", async () => {
  const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n" +
    "5;ext=1\r\nhello\r\n1\r\n \r\nc\r\nworld, again\r\n0\r\nX-Trailer: t\r\n\r\n";
  const server = startRawServer((connection) =>
    answerAll(connection, (n) => n === 0 ? chunked : OK('{"split":true}'))
  );
  // Written one byte at a time: every boundary (status line, headers, sizes, CRLFs) is split.
  const slow = startRawServer(async (connection) => {
    for (let n = 0;; n++) {
      if ((await connection.readRequest()) === undefined) return;
      await connection.write(n === 0 ? chunked : OK('{"split":true}'), 1, 0);
    }
  });
  const client = new Http1Client({ origin: server.origin });
  const slowClient = new Http1Client({ origin: slow.origin });
  try {
    for (const c of [client, slowClient]) {
      const a = await c.request({ method: "GET", target: "/a" });
      assert.equal(a.text(), "hello world, again");
      assert.equal(a.headers.get("x-a"), "1");
      const b = await c.request({ method: "GET", target: "/b" });
      assert.equal(b.text(), '{"split":true}');
      assert.equal(c.stats.connections, 1, "both answers on one connection");
    }
  } finally {
    client.close();
    slowClient.close();
    await server.stop();
    await slow.stop();
  }
});

Deno.test("Http1Client opens a new connection after Connection: close and a body read to the close", async () => {
  const server = startRawServer(async (connection, index) => {
    if ((await connection.readRequest()) === undefined) return;
    if (index === 0) await connection.write(OK('{"a":1}', "Connection: close\r\n"));
    else await connection.write('HTTP/1.1 200 OK\r\n\r\n{"to":"the close"}');
    connection.close();
  });
  const client = new Http1Client({ origin: server.origin });
  try {
    assert.equal((await client.request({ method: "GET", target: "/1" })).text(), '{"a":1}');
    assert.equal(
      (await client.request({ method: "GET", target: "/2" })).text(),
      '{"to":"the close"}',
    );
    assert.equal(client.stats.connections, 2);
    assert.equal(client.stats.open, 0);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client: a server that closes an idle connection is noticed before the next request", async () => {
  const server = startRawServer(async (connection) => {
    if ((await connection.readRequest()) === undefined) return;
    await connection.write(OK("{}"));
    // Idle timeout on the server side.
    connection.close();
  });
  const client = new Http1Client({ origin: server.origin });
  try {
    await client.request({ method: "POST", target: "/order", body: "x" });
    for (let i = 0; i < 100 && client.stats.open > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(
      client.stats.open,
      0,
      "the parked connection was dropped when the server closed it",
    );
    const again = await client.request({ method: "POST", target: "/order", body: "y" });
    assert.equal(again.status, 200);
    assert.equal(server.requests.length, 2, "each POST reached the server once");
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client: a POST whose connection breaks after it left fails as sent and is not resent", async () => {
  const server = startRawServer(async (connection) => {
    if ((await connection.readRequest()) === undefined) return;
    await connection.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"par');
    connection.close();
  });
  const client = new Http1Client({ origin: server.origin });
  try {
    const error = await client.request({ method: "POST", target: "/v5/order/create", body: "{}" })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Http1Error);
    assert.equal(error.stage, "response");
    assert.equal(error.requestSent, true);
    assert.match(
      error.message,
      /POST \/v5\/order\/create: the connection closed before the end of the answer body/,
    );
    assert.equal(server.requests.length, 1);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client resends a GET once when a reused connection closes unanswered, never a POST", async () => {
  // The first connection answers once, then reads the next request and closes without a word.
  const script = async (connection: RawConnection, index: number): Promise<void> => {
    if ((await connection.readRequest()) === undefined) return;
    await connection.write(OK(`{"c":${index}}`));
    if (index === 0) {
      await connection.readRequest();
      connection.close();
      return;
    }
    await answerAll(connection, () => OK(`{"c":${index}}`));
  };
  for (const method of ["GET", "POST"] as const) {
    const server = startRawServer(script);
    // A long idle limit and a server that stays quiet while idle: the close comes only after
    // the second request was written.
    const client = new Http1Client({ origin: server.origin });
    try {
      await client.request({ method, target: "/first" });
      const outcome = await client.request({ method, target: "/second" }).then(
        (r) => r.text(),
        (e: unknown) => e,
      );
      if (method === "GET") {
        assert.equal(outcome, '{"c":1}', "answered on a new connection");
        assert.equal(server.requests.length, 3);
      } else {
        assert.ok(outcome instanceof Http1Error);
        assert.equal(outcome.stage, "response");
        assert.equal(outcome.requestSent, true);
        assert.match(outcome.message, /closed before any answer/);
        assert.equal(server.requests.length, 2, "the POST was not sent again");
      }
    } finally {
      client.close();
      await server.stop();
    }
  }
});

Deno.test("Http1Client times out a silent server and says the request had left", async () => {
  const server = startRawServer(async (connection) => {
    await connection.readRequest();
    await connection.readRequest();
  });
  const client = new Http1Client({ origin: server.origin, timeoutMs: 80 });
  try {
    const started = performance.now();
    const error = await client.request({ method: "POST", target: "/slow", body: "{}" })
      .then(() => undefined, (e: unknown) => e);
    const took = performance.now() - started;
    assert.ok(error instanceof Http1Error);
    assert.equal(error.stage, "timeout");
    assert.equal(error.requestSent, true);
    assert.match(error.message, /POST \/slow: no complete answer within 80 ms/);
    assert.ok(took >= 75 && took < 2000, `took ${took} ms`);
    assert.equal(client.stats.open, 0, "the timed-out connection is closed, never reused");
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client rejects with the abort reason and closes the connection", async () => {
  const server = startRawServer(async (connection) => {
    await connection.readRequest();
    await connection.readRequest();
  });
  const client = new Http1Client({ origin: server.origin });
  try {
    const controller = new AbortController();
    const pending = client.request({ method: "GET", target: "/x", signal: controller.signal });
    setTimeout(() => controller.abort(new RangeError("stop now")), 20);
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof RangeError && e.message === "stop now",
    );
    assert.equal(client.stats.open, 0);
    const aborted = AbortSignal.abort(new TypeError("before"));
    await assert.rejects(
      client.request({ method: "GET", target: "/x", signal: aborted }),
      (e: unknown) => e instanceof TypeError && e.message === "before",
    );
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client: a refused connection fails at connect, with nothing sent", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const client = new Http1Client({ origin: `http://127.0.0.1:${port}` });
  try {
    const error = await client.request({ method: "POST", target: "/v5/order/create", body: "{}" })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Http1Error);
    assert.equal(error.stage, "connect");
    assert.equal(error.requestSent, false);
    assert.match(error.message, new RegExp(`cannot connect to http://127.0.0.1:${port}`));
  } finally {
    client.close();
  }
});

Deno.test("Http1Client refuses malformed answers with a clear message", async () => {
  const cases: readonly [string, RegExp][] = [
    ["HTTP/2 200\r\n\r\n", /invalid status line "HTTP\/2 200"/],
    ["HTTP/1.1 200 OK\r\nbad header\r\n\r\n", /invalid header line "bad header"/],
    ["HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", /invalid Content-Length "1x"/],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /invalid chunk size "zz"/],
    [
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
      /chunk of 2 bytes not followed by CRLF/,
    ],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", /unsupported Transfer-Encoding "gzip"/],
    [
      "HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n",
      /answer body of 99999 bytes is over the limit/,
    ],
  ];
  for (const [reply, message] of cases) {
    const server = startRawServer(async (connection) => {
      if ((await connection.readRequest()) === undefined) return;
      await connection.write(reply);
      await connection.readRequest();
    });
    const client = new Http1Client({ origin: server.origin, maxBodyBytes: 1000 });
    try {
      const error = await client.request({ method: "GET", target: "/" })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof Http1Error, reply);
      assert.equal(error.stage, "protocol");
      assert.match(error.message, message);
    } finally {
      client.close();
      await server.stop();
    }
  }
});

Deno.test("Http1Client skips an interim 100 answer and reads no body after 204 or HEAD", async () => {
  const server = startRawServer((connection) =>
    answerAll(
      connection,
      (n) =>
        n === 0
          ? "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
          : n === 1
          ? "HTTP/1.1 204 No Content\r\n\r\n"
          : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
    )
  );
  const client = new Http1Client({ origin: server.origin });
  try {
    const created = await client.request({ method: "POST", target: "/", body: "a" });
    assert.deepEqual([created.status, created.text()], [201, "ok"]);
    const none = await client.request({ method: "DELETE", target: "/" });
    assert.deepEqual([none.status, none.text()], [204, ""]);
    const head = await client.request({ method: "HEAD", target: "/" });
    assert.deepEqual([head.status, head.text(), head.headers.get("content-length")], [
      200,
      "",
      "5",
    ]);
    assert.equal(client.stats.connections, 1);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client holds requests beyond maxConnections until one is free", async () => {
  const server = startRawServer((connection) => answerAll(connection, (n) => OK(`{"n":${n}}`)));
  const client = new Http1Client({ origin: server.origin, maxConnections: 2 });
  try {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.request({ method: "GET", target: `/${i}` })),
    );
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 200]);
    assert.equal(client.stats.connections, 2);
    assert.equal(server.accepted(), 2);
    assert.equal(server.requests.length, 6);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client refuses header injection, bad targets and other origins", async () => {
  const client = new Http1Client({ origin: "http://127.0.0.1:9" });
  await assert.rejects(
    client.request({ method: "GET", target: "/", headers: { "X-A": "1\r\nX-B: 2" } }),
    /header "X-A" cannot be sent as given/,
  );
  await assert.rejects(
    client.request({ method: "GET", target: "no-slash" }),
    /invalid request target/,
  );
  await assert.rejects(
    client.fetch("http://127.0.0.2:9/x"),
    /http:\/\/127.0.0.2:9\/x is not on http:\/\/127.0.0.1:9/,
  );
  assert.throws(
    () => new Http1Client({ origin: "ftp://127.0.0.1" }),
    /not an http: or https: origin/,
  );
  assert.throws(() => new Http1Client({ origin: "http://127.0.0.1/v5" }), /give the origin only/);
  client.close();
  const closed = await client.request({ method: "GET", target: "/" }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(closed instanceof Http1Error);
  assert.equal(closed.stage, "closed");
});

Deno.test("Http1Client.fetch answers like fetch: status, headers, text, the signal honoured", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    return new Response(
      JSON.stringify({ method: req.method, path: new URL(req.url).pathname, body }),
      {
        status: req.method === "PUT" ? 404 : 200,
        headers: { "Retry-After": "3" },
      },
    );
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const client = new Http1Client({ origin });
  try {
    const response = await client.fetch(`${origin}/fapi/v1/order?symbol=BTCUSDT`, {
      method: "POST",
      headers: new Headers({ "Content-Type": "application/x-www-form-urlencoded" }),
      body: new URLSearchParams({ side: "BUY" }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("retry-after"), "3");
    assert.deepEqual(await response.json(), {
      method: "POST",
      path: "/fapi/v1/order",
      body: "side=BUY",
    });
    const missing = await client.fetch(new URL(`${origin}/x`), { method: "PUT", body: "a" });
    assert.equal(missing.status, 404);
    await missing.text();
    await assert.rejects(
      client.fetch(`${origin}/x`, { signal: AbortSignal.abort(new RangeError("gone")) }),
      /gone/,
    );
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("Http1Client calls onWrite once the request's last byte is written", async () => {
  const writes: string[] = [];
  const server = startRawServer((connection) => answerAll(connection, () => OK("{}")));
  const client = new Http1Client({
    origin: server.origin,
    onWrite: (method, target) => writes.push(`${method} ${target} ${server.requests.length}`),
  });
  try {
    await client.request({ method: "POST", target: "/v5/order/create", body: "{}" });
    await client.request({ method: "GET", target: "/v5/order/realtime" });
    assert.deepEqual(writes.map((w) => w.split(" ").slice(0, 2).join(" ")), [
      "POST /v5/order/create",
      "GET /v5/order/realtime",
    ]);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client sends a User-Agent and Accept unless the request names its own", async () => {
  const server = startRawServer((connection) => answerAll(connection, () => OK("{}")));
  const client = new Http1Client({ origin: server.origin });
  try {
    await client.request({ method: "GET", target: "/a" });
    await client.request({
      method: "GET",
      target: "/b",
      headers: { "user-agent": "mine/1", "X-Accept": "x" },
    });
    const [first, second] = server.requests;
    assert.equal(first?.headers.get("user-agent"), "tesser");
    assert.equal(first?.headers.get("accept"), "*/*");
    assert.equal(first?.headers.get("host"), server.origin.replace("http://", ""));
    assert.equal(second?.headers.get("user-agent"), "mine/1");
    assert.equal(second?.headers.get("accept"), "*/*", "X-Accept is not Accept");
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client: the connection is back in the pool when the answer resolves, and the next request is written inside its call on it", async () => {
  const server = startRawServer((connection) => answerAll(connection, (n) => OK(`{"n":${n}}`)));
  let written = 0;
  const client = new Http1Client({ origin: server.origin, onWrite: () => written++ });
  try {
    const first = await client.request({ method: "POST", target: "/v5/order/create", body: "{}" });
    assert.equal(first.text(), '{"n":0}');
    // No await between the answer and the next call: nothing may be left to hand the
    // connection back (a waiter woken later, a body still being read).
    const next = client.request({ method: "POST", target: "/v5/order/create", body: "{}" });
    assert.equal(written, 2);
    assert.equal((await next).text(), '{"n":1}');
    assert.deepEqual(client.stats, { connections: 1, reused: 1, open: 1, cold: 1 });
    assert.equal(server.accepted(), 1);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client with timeoutMs Infinity has no time limit of its own: only the signal ends a silent request", async () => {
  const server = startRawServer(async (connection) => {
    await connection.readRequest();
    await connection.readRequest();
  });
  const client = new Http1Client({ origin: server.origin, timeoutMs: Infinity });
  try {
    const controller = new AbortController();
    let settled = false;
    const pending = client.request({
      method: "POST",
      target: "/slow",
      body: "{}",
      signal: controller.signal,
    })
      .finally(() => settled = true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(settled, false, "still waiting for the answer");
    controller.abort(new RangeError("caller's time limit"));
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof RangeError && e.message === "caller's time limit",
    );
    assert.equal(client.stats.open, 0);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client writes on a warm connection before it arms the time limit or listens on the signal", async () => {
  const server = startRawServer((connection) => answerAll(connection, () => OK("{}")));
  const steps: string[] = [];
  const client = new Http1Client({
    origin: server.origin,
    timeoutMs: 1000,
    onWrite: () => steps.push("written"),
  });
  const realSetTimeout = globalThis.setTimeout;
  try {
    await client.request({ method: "POST", target: "/v5/order/create", body: "{}" });
    steps.length = 0;
    const controller = new AbortController();
    const signal = controller.signal;
    const listen = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof listen>) => {
      steps.push("listening");
      listen(...args);
    }) as typeof signal.addEventListener;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      steps.push(`timer ${ms}`);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout;
    const pending = client.request({
      method: "POST",
      target: "/v5/order/create",
      body: "{}",
      signal,
    });
    globalThis.setTimeout = realSetTimeout;
    pending.catch(() => {}); // a failed assertion closes the client under it
    assert.deepEqual(steps, ["written", "timer 1000", "listening"]);
    assert.equal((await pending).status, 200);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client answers with the header fields as received and as Headers, a repeated one joined", async () => {
  const server = startRawServer((connection) =>
    answerAll(connection, () => OK("{}", "X-Bapi-Limit-Status: 9\r\nVary: a\r\nVary: b\r\n"))
  );
  const client = new Http1Client({ origin: server.origin });
  try {
    const answer = await client.request({ method: "GET", target: "/x" });
    assert.deepEqual(answer.fields, [
      ["Content-Type", "application/json"],
      ["X-Bapi-Limit-Status", "9"],
      ["Vary", "a"],
      ["Vary", "b"],
      ["Content-Length", "2"],
    ]);
    assert.equal(answer.headers.get("x-bapi-limit-status"), "9");
    assert.equal(answer.headers.get("vary"), "a, b");
    const response = await client.fetch(`${server.origin}/x`);
    assert.equal(response.headers.get("vary"), "a, b");
    assert.equal(await response.text(), "{}");
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("Http1Client sends short and long text bodies whole, with their byte lengths", async () => {
  const server = startRawServer((connection) => answerAll(connection, () => OK("{}")));
  const client = new Http1Client({ origin: server.origin });
  const long = `{"list":"${"x".repeat(20_000)}"}`;
  try {
    await client.request({ method: "POST", target: "/short", body: '{"a":1}' });
    await client.request({ method: "POST", target: "/long", body: long });
    await client.request({ method: "POST", target: "/short", body: '{"b":2}' });
    assert.deepEqual(
      server.requests.map((r) => [r.line, r.headers.get("content-length"), r.body]),
      [
        ["POST /short HTTP/1.1", "7", '{"a":1}'],
        ["POST /long HTTP/1.1", String(long.length), long],
        ["POST /short HTTP/1.1", "7", '{"b":2}'],
      ],
    );
  } finally {
    client.close();
    await server.stop();
  }
});
