// What the smoke test and the profiler share: wasm/dist served on loopback (the .wasm as
// application/wasm, so it compiles while it downloads) and Debian's headless Chromium with
// software WebGL2 (SwiftShader), as on a laptop without a GPU.
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

export const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), "dist");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

// Serves `dist` on a free loopback port; returns its origin and the server (to close).
export async function serveDist() {
  const server = http.createServer((req, res) => {
    const file = path.join(dist, decodeURIComponent(new URL(req.url, "http://x").pathname));
    const target = file.endsWith(path.sep) ? path.join(file, "index.html") : file;
    if (!target.startsWith(dist) || !fs.existsSync(target) || fs.statSync(target).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": types[path.extname(target)] || "application/octet-stream",
      "Content-Length": fs.statSync(target).size,
    });
    fs.createReadStream(target).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, server };
}

// Headless Chromium with software WebGL2 and nothing of its own going to the network.
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
      "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync",
    ],
  });
}
