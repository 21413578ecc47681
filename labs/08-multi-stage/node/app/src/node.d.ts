// The few Node.js APIs this server touches, declared here so that TypeScript stays the
// only devDependency (@types/node has the complete set).
declare module "node:http" {
  interface IncomingMessage {
    url?: string;
  }
  interface ServerResponse {
    statusCode: number;
    setHeader(name: string, value: string): void;
    end(body?: string): void;
  }
  interface Server {
    listen(port: number, listening?: () => void): Server;
    close(closed?: () => void): Server;
  }
  function createServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Server;
}

declare const process: {
  env: Record<string, string | undefined>;
  version: string;
  memoryUsage(): { rss: number };
  on(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code?: number): never;
};
declare const console: { log(...values: unknown[]): void };
declare class URL {
  constructor(input: string, base?: string);
  readonly pathname: string;
  readonly searchParams: { get(name: string): string | null };
}
