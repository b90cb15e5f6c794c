// Where a page's time goes, in the smoke test's headless Chromium (software WebGL2): the
// loader's phase marks, every frame that took over 0.3 s, the WebGL calls that block (shader
// compilation and linking), and a CPU profile of the page's thread by function. Frames that
// take long while the page's thread is in "(program)" (the browser's own code) are the
// software rasterizer drawing; time in wasm functions is the app's own.
//
//   node wasm/profile.mjs ['lesson=frames&graphics=full'] [milliseconds, default 12000]
//   W=640 H=360 node wasm/profile.mjs ...      at another window size
// After wasm/build.sh; writes the CPU profile to wasm/profile.cpuprofile (Chromium's DevTools
// open it).
import fs from "node:fs";
import path from "node:path";
import { dist, launchChromium, serveDist } from "./harness.mjs";

const query = process.argv[2] || "lesson=frames";
const millis = Number(process.argv[3] || 12000);
const { origin, server } = await serveDist();
const browser = await launchChromium();
const page = await browser.newPage({
  viewport: { width: Number(process.env.W || 1280), height: Number(process.env.H || 720) },
});
// Before the page's own scripts: time the WebGL calls that can block, and every frame.
await page.addInitScript(() => {
  const t0 = performance.now();
  const gl = (window.__profile = { calls: [], frames: [] });
  const proto = WebGL2RenderingContext.prototype;
  for (const name of ["compileShader", "linkProgram", "getShaderParameter", "getProgramParameter",
    "texImage2D", "texSubImage2D", "bufferData", "readPixels", "clientWaitSync"]) {
    const f = proto[name];
    proto[name] = function (...args) {
      const start = performance.now();
      const result = f.apply(this, args);
      gl.calls.push([name, performance.now() - start]);
      return result;
    };
  }
  const tick = () => {
    gl.frames.push(performance.now() - t0);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});
const log = [];
page.on("console", (m) => log.push(m.text()));
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
await cdp.send("Profiler.start");
await page.goto(`${origin}/index.html?${query}`);
await page.waitForTimeout(millis);
const { profile } = await cdp.send("Profiler.stop");
const { calls, frames } = await page.evaluate(() => window.__profile);
await browser.close();
server.close();

console.log(`${query}, ${millis / 1000} s:`);
for (const line of log) {
  const m = line.match(/armtutor: phase ([\w-]+) ([\d.]+) s/);
  if (m) console.log(`  phase ${m[1]} at ${m[2]} s`);
  else if (/graphics:|first frame with/.test(line)) console.log(`  ${line.replace(/%c/g, "").slice(0, 160)}`);
}
const slow = [];
for (let i = 1; i < frames.length; i++) {
  const d = frames[i] - frames[i - 1];
  if (d > 300) slow.push(`${(frames[i - 1] / 1000).toFixed(2)}+${(d / 1000).toFixed(2)}`);
}
const tail = frames.slice(-10);
const recent = tail.length > 1 ? (tail[tail.length - 1] - tail[0]) / (tail.length - 1) / 1000 : NaN;
console.log(`  ${frames.length} frames, the last ones ${recent.toFixed(2)} s each; over 0.3 s (start+length): ${slow.join(" ")}`);
const byCall = {};
for (const [name, d] of calls) {
  byCall[name] ??= [0, 0];
  byCall[name][0] += 1;
  byCall[name][1] += d;
}
console.log("  WebGL calls (count, total s):", Object.entries(byCall)
  .sort((a, b) => b[1][1] - a[1][1])
  .map(([n, [c, t]]) => `${n} ${c} ${(t / 1000).toFixed(2)}`)
  .join(", "));
const self = new Map();
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => {
  const frame = nodes.get(id).callFrame;
  const key = frame.functionName || path.basename(frame.url) || "?";
  self.set(key, (self.get(key) || 0) + (profile.timeDeltas[i] || 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const wasm = [...self.entries()].filter(([k]) => k.startsWith("wasm-function")).reduce((a, [, v]) => a + v, 0);
console.log(`  page thread ${(total / 1e6).toFixed(1)} s: wasm ${(wasm / 1e6).toFixed(1)} s, ` +
  [...self.entries()].filter(([k]) => !k.startsWith("wasm-function")).sort((a, b) => b[1] - a[1])
    .slice(0, 5).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)} s`).join(", "));
fs.writeFileSync(path.join(dist, "..", "profile.cpuprofile"), JSON.stringify(profile));
