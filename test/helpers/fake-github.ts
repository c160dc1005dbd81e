// GitHub's REST API played by a real HTTP server on 127.0.0.1 (GitHub is not reachable from the
// tests): it records every call (method, path, Authorization header, JSON body) and answers with
// `status`, or 401 ("Bad credentials", as GitHub answers) to any token but `token` when one is given.
import { createServer } from "node:http";

export interface GitHubCall {
  method: string;
  url: string;
  auth: string;
  body: unknown;
}

export async function fakeGitHub(status = 204, token?: string) {
  const calls: GitHubCall[] = [];
  const state = { status };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      calls.push({
        method: req.method ?? "",
        url: req.url ?? "",
        auth: String(req.headers.authorization ?? ""),
        body: body ? JSON.parse(body) : null,
      });
      const refused = token !== undefined && calls[calls.length - 1].auth.replace(/^\w+ /, "") !== token;
      res.statusCode = refused ? 401 : state.status;
      if (res.statusCode === 204) return res.end();
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return {
    calls,
    state,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
