import { filesize } from "filesize";

// Says hello to name (or to whoever is reading) and how much memory the server holds.
export function greeting(name: string | null): string {
  const who = name?.trim() || "reader";
  const resident = filesize(process.memoryUsage().rss, { round: 1 });
  return `hello, ${who}: this answer came from a container (node ${process.version}, ${resident} resident)`;
}
