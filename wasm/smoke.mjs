// Smoke test of the browser build: serves wasm/dist on loopback, opens it in Debian's headless
// Chromium with software WebGL2, waits for the first drawn frame, saves a screenshot, and fails
// on a blank canvas, any console error, or any request that leaves the page's origin.
// Run: wasm/smoke.sh (after wasm/build.sh).
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), "dist");
const shot = process.argv[2] || path.join(dist, "..", "smoke.png");
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

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
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("request", (r) => {
  if (!r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:"))
    problems.push(`request left the origin: ${r.url()}`);
});

const started = Date.now();
await page.goto(`${origin}/index.html?lesson=generative&seed=3`);
// The first frame: the canvas region shows many colours (a lit scene and panels), not one.
let firstFrame = null;
let colours = 0;
while (Date.now() - started < 180_000) {
  await page.waitForTimeout(500);
  const png = await page.screenshot();
  colours = distinctColours(png);
  if (colours > 200) {
    firstFrame = (Date.now() - started) / 1000;
    break;
  }
}
await page.waitForTimeout(3000);
await page.screenshot({ path: shot });
const address = page.url();
await browser.close();
server.close();

const wasm = fs.readFileSync(path.join(dist, "armtutor_bg.wasm"));
console.log(`wasm: ${wasm.length} bytes raw, ${zlib.gzipSync(wasm, { level: 9 }).length} bytes gzip`);
console.log(`first frame after ${firstFrame ?? "never"} s; ${colours} colours; address ${address}`);
console.log(`screenshot: ${shot}`);
if (firstFrame === null) problems.push(`blank canvas after 180 s (${colours} colours)`);
if (!address.includes("lesson=generative") || !address.includes("seed=3"))
  problems.push(`the address lost the scene: ${address}`);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}

// Distinct colours of a PNG screenshot, read with zlib (no image library needed): RGBA rows.
function distinctColours(png) {
  let pos = 8, width = 0, height = 0;
  const idat = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString("ascii", pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") { width = data.readUInt32BE(0); height = data.readUInt32BE(4); }
    if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const bpp = raw.length / height > width * 4 ? 4 : 3;
  const stride = width * bpp + 1;
  const seen = new Set();
  let prev = Buffer.alloc(width * bpp);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * stride];
    const line = Buffer.from(raw.subarray(y * stride + 1, (y + 1) * stride));
    for (let i = 0; i < line.length; i++) {
      const a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[i] = (line[i] + pred) & 255;
    }
    for (let x = 0; x < width; x += 2) seen.add(line.readUIntBE(x * bpp, 3));
    prev = line;
  }
  return seen.size;
}
