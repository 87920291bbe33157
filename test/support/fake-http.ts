// A scripted HTTP server for client tests that must see exactly what goes over the wire (e.g.
// a truncated body) and record every request. Not a simulator: each test answers by hand.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface FakeHttp {
  url: string;
  requests: RecordedRequest[];
  /** Requests other than GET. */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeHttp(answer: (req: RecordedRequest) => FakeAnswer): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      let a: FakeAnswer;
      try {
        a = answer(rec);
      } catch (e) {
        a = { status: 500, body: String(e) };
      }
      res.writeHead(a.status, { "content-type": "application/xml", ...a.headers });
      res.end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.filter((r) => r.method !== "GET"),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
