import { createServer } from "node:http";
import { greeting } from "./greeting";

const port = Number(process.env.PORT ?? "8080");

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  res.setHeader("content-type", "text/plain; charset=utf-8");
  if (url.pathname === "/") {
    res.end(greeting(url.searchParams.get("name")) + "\n");
  } else if (url.pathname === "/healthz") {
    res.end("ok\n");
  } else {
    res.statusCode = 404;
    res.end("not found\n");
  }
});

server.listen(port, () => console.log(`greeter listening on :${port}`));
// As PID 1 in a container, node gets no default SIGTERM handler: stop on it ourselves.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
