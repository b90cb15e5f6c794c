// Smoke test of the browser build: serves wasm/dist on loopback, opens it in Debian's headless
// Chromium with software WebGL2, and for a shared link, a URDF picked, one dropped and a broken
// one, every lesson, and hostile addresses and files: waits for the first drawn frame, saves screenshots, and fails on a
// blank canvas, any console error, a request that leaves the page's origin, or an address that
// lost the scene.
// Run: wasm/smoke.sh (after wasm/build.sh).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { dist, launchChromium, serveDist } from "./harness.mjs";

const shot = process.argv[2] || path.join(dist, "..", "smoke.png");
const { origin, server } = await serveDist();
const browser = await launchChromium();
const problems = [];
// The message of the trap thrown on purpose at the end (see 4.).
const TRAP = "smoke test: a trap on purpose";
const repo = path.join(dist, "..", "..");

// Opens the app at `query`, waits for its first frame with the 3D view (the app's own mark,
// then a screenshot that must show many colours, a lit scene and panels, not one), and returns
// the page, its console log and the time from opening the page to that mark.
async function open(full) {
  // A hostile address is named short in the report.
  const query = full.length > 120 ? `${full.slice(0, 120)}…` : full;
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const log = [];
  let marked = null;
  page.on("console", (m) => {
    log.push(m.text());
    if (marked === null && m.text().includes("armtutor: phase first-frame")) marked = Date.now();
    if (m.type() === "error") problems.push(`${query}: console: ${m.text()}`);
    // Bevy's own errors reach the console as styled log lines, not as console errors.
    else if (/%cERROR%c/.test(m.text())) problems.push(`${query}: Bevy error: ${m.text()}`);
  });
  page.on("pageerror", (e) => {
    if (!e.message.includes(TRAP)) problems.push(`${query}: page error: ${e.message}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"))
      problems.push(`${query}: request left the origin: ${u}`);
  });
  const started = Date.now();
  await page.goto(`${origin}/index.html?${full}`);
  while (marked === null && Date.now() - started < 180_000) await page.waitForTimeout(50);
  const firstFrame = marked === null ? null : (marked - started) / 1000;
  const colours = distinctColours(await page.screenshot());
  if (firstFrame === null) problems.push(`${query}: no first frame after 180 s`);
  if (colours <= 200) problems.push(`${query}: a blank canvas at the first frame (${colours} colours)`);
  return { page, log, firstFrame, colours, started };
}

// The loader's phase marks of a page (see loader.js): "download 0.31, compile 0.31, start 1.20,
// first-frame 3.90 (2841 colours)": seconds from the loader's start, the last the app's own
// (its first frame with the 3D view drawn), and the colours of the screenshot taken then.
function breakdown(t) {
  const marks = t.log
    .map((l) => l.match(/armtutor: phase ([\w-]+) ([\d.]+) s/))
    .filter(Boolean)
    .map((m) => [m[1], Number(m[2])]);
  const parts = marks.map(([name, at]) => `${name} ${at.toFixed(2)}`);
  return `${parts.join(", ")} (${t.colours} colours)`;
}

async function waitForLog(log, text, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (log.some((l) => l.includes(text))) return true;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return false;
}

// 1. A shared link: lesson, seed and the lesson's own settings come back in the address once
//    the app has applied them. The lesson records its demonstrations in physics, the sampled-
//    chunk policy then drives the arm, and `field=network` trains the velocity network in the
//    page, after which the network drives: each step is waited for by its console line.
const main = "lesson=generative&seed=3&sampler=heun&k=4&driver=sampled&field=network";
const first = await open(main);
// Frames per second while the demonstrations are being recorded (software WebGL2).
const fps = await first.page.evaluate(() => new Promise((done) => {
  let frames = 0;
  const start = performance.now();
  const tick = () => {
    frames += 1;
    if (performance.now() - start < 5000) requestAnimationFrame(tick);
    else done((frames / (performance.now() - start)) * 1000);
  };
  requestAnimationFrame(tick);
}));
const address = first.page.url();
for (const kv of main.split("&"))
  if (!address.includes(kv)) problems.push(`the address lost ${kv}: ${address}`);
// Training takes about 25 s, less than one episode in software WebGL, so the first episode
// after the recording is driven by the exact field or, as often, already by the network:
// only the network's episode is required after training (an exact one is reported if seen).
const steps = [
  ["recorded 24 demonstrations", "the demonstrations were not recorded"],
  ["trained the velocity network", "the network was not trained"],
  ["(policy_generative_network", "no episode driven by the trained network"],
];
const generative = [];
for (const [text, failure] of steps) {
  const found = await waitForLog(first.log, text, 420_000);
  const line = first.log.find((l) => l.includes(text));
  generative.push(`${((Date.now() - first.started) / 1000).toFixed(1)} s: ${line ?? "-"}`);
  if (!found) { problems.push(failure); break; }
  if (text.startsWith("recorded")) await first.page.screenshot({ path: shot });
}
const exact = first.log.find((l) => l.includes("(policy_generative_exact"));
generative.push(`an episode driven by the exact field: ${exact ?? "none before training ended"}`);
const trainedShot = shot.replace(/\.png$/, "-trained.png");
await first.page.screenshot({ path: trainedShot });

// 2. A URDF from the file picker, another dropped on the page, and a broken one (a one-line
//    warning, no error, the arm kept).
await first.page.setInputFiles("#armtutor-file", path.join(repo, "urdf", "kuka_iiwa14.urdf"));
if (!(await waitForLog(first.log, "loaded iiwa14"))) problems.push("the picked URDF did not load");
async function drop(name, text) {
  await first.page.evaluate(([name, text]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: "application/xml" }));
    document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, text]);
}
await drop("gen3.urdf", fs.readFileSync(path.join(repo, "urdf", "kinova_gen3.urdf"), "utf8"));
if (!(await waitForLog(first.log, "loaded gen3"))) problems.push("the dropped URDF did not load");
await drop("broken.urdf", "<robot name='x'><link name='a'/>");
if (!(await waitForLog(first.log, "broken.urdf is not valid URDF")))
  problems.push("the broken URDF was not reported");
await first.page.waitForTimeout(2000);
const uploadShot = shot.replace(/\.png$/, "-upload.png");
await first.page.screenshot({ path: uploadShot });
// The lessons the app declares (it lists them on the page), for the tour below.
const declared = (await first.page.evaluate(() => window.armtutorLessons)) ?? [];
await first.page.close();

// 3. Every other lesson the app declares (it lists them on the page), each at its second
//    guided step, with the other link options in turn (language, teach mode, presenter).
if (declared.length === 0) problems.push("the page did not list the lessons (window.armtutorLessons)");
// `graphics=full` draws as on a GPU (multisampling, shadows) even on this software renderer.
const options = ["lang=zh", "teach", "presenter", "graphics=full"];
const tour = declared
  .filter((l) => l.id !== new URLSearchParams(main).get("lesson"))
  .map((l, i) => `lesson=${l.id}&step=${Math.min(2, l.steps)}&${options[i % options.length]}`);
const times = [first.firstFrame];
const phases = [breakdown(first)];
for (const query of tour) {
  const t = await open(query);
  times.push(t.firstFrame);
  phases.push(breakdown(t));
  await t.page.waitForTimeout(3000);
  const name = query.split("&")[0].split("=")[1];
  await t.page.screenshot({ path: shot.replace(/\.png$/, `-${name}.png`) });
  const kept = t.page.url();
  // A guided step sets up its own drive mode (the gradients lesson's step 2 runs the
  // physics), so `teach` in the link may rightly give way to it; everything else must stay.
  for (const kv of query.split("&").filter((kv) => kv !== "teach"))
    if (!kept.includes(kv.replace(/,/g, "%2C"))) problems.push(`the address lost ${kv}: ${kept}`);
  if (query === tour[tour.length - 1]) {
    // 4. A trap (what a panic becomes in the web build) brings the overlay back with a reason
    //    instead of leaving a frozen canvas.
    await t.page.evaluate((msg) => setTimeout(() => { throw new WebAssembly.RuntimeError(msg); }), TRAP);
    await t.page.waitForTimeout(500);
    const said = await t.page.evaluate(() => [
      getComputedStyle(document.getElementById("loading")).display,
      document.getElementById("status").textContent,
      document.getElementById("error").textContent,
    ]);
    if (said[0] === "none" || !said[1].includes("armtutor stopped") || !said[2].includes(TRAP))
      problems.push(`a trap did not bring the overlay back: ${JSON.stringify(said)}`);
  }
  await t.page.close();
}
// 5. Hostile addresses and files: every key takes any value (huge, negative, NaN, unicode,
//    thousands of keys, an unknown lesson) and falls back with a notice; files nested 100 000
//    deep or with numbers near 1e308 are refused in one line with the arm kept. No panic.
// (600 keys: a request line past 16 KB is refused by the server, as by most static hosts;
// the unit tests give the app 5 000.)
const many = Array.from({ length: 600 }, (_, i) => `k${i}=${i % 2 ? "-1e308" : "NaN"}`).join("&");
const hostile = [
  `lesson=jacobian&step=99999999999999999999&seed=-1&lang=%F0%9F%A4%96&graphics=%00&ghosts=1e308&section=%E2%80%AE&${many}`,
  "lesson=nope&step=-3&presenter=NaN",
  `lesson=rotations&angles=${"9".repeat(4000)},NaN,-1e400&euler=%FF`,
];
const hostileTimes = [];
const hostileFiles = [];
for (const query of hostile) {
  const t = await open(query);
  hostileTimes.push(t.firstFrame);
  if (!(await waitForLog(t.log, "settings from the link not used", 20_000)))
    problems.push(`${query.slice(0, 60)}…: no notice of the settings not used`);
  if (query === hostile[0]) {
    const deep = `<robot name="d"><link name="a">${"<x>".repeat(100000)}${"</x>".repeat(100000)}</link></robot>`;
    await t.page.evaluate(([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "application/xml" }));
      document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, ["deep.urdf", deep]);
    let dropped = Date.now();
    if (!(await waitForLog(t.log, "nested more than 64 levels")))
      problems.push("the deeply nested URDF was not refused in one line");
    hostileFiles.push(`nested 100 000 deep: refused after ${((Date.now() - dropped) / 1000).toFixed(2)} s`);
    const huge = `<robot name="h"><link name="a"/><link name="b"/><joint name="j" type="revolute"><parent link="a"/><child link="b"/><origin xyz="1e308 1e308 0"/><axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint></robot>`;
    await t.page.evaluate(([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "application/xml" }));
      document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, ["huge.urdf", huge]);
    dropped = Date.now();
    if (!(await waitForLog(t.log, "beyond the ±1e6 m")))
      problems.push("the URDF with 1e308 origins was not refused in one line");
    hostileFiles.push(`origins of 1e308: refused after ${((Date.now() - dropped) / 1000).toFixed(2)} s`);
    await t.page.screenshot({ path: shot.replace(/\.png$/, "-hostile.png") });
    // A 10 000-joint chain loads (its start pose not searched), read a slice a frame: the page
    // keeps drawing meanwhile; the longest gap between two frames until the load ends is
    // reported. What the lesson then draws for it takes seconds a frame on this software
    // renderer, so the page is closed right after.
    await t.page.evaluate(() => {
      window.armtutorGaps = { last: performance.now(), longest: 0, frames: 0, on: true };
      const tick = () => {
        const g = window.armtutorGaps;
        const now = performance.now();
        g.longest = Math.max(g.longest, now - g.last);
        g.last = now;
        g.frames += 1;
        if (g.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      // Stop at the load's own console line, before the first frame with the new robot.
      for (const level of ["log", "info", "debug", "warn"]) {
        const was = console[level];
        console[level] = (...args) => {
          if (args.some((a) => String(a).includes("loaded chain10k"))) window.armtutorGaps.on = false;
          return was.apply(console, args);
        };
      }
    });
    const links = Array.from({ length: 10001 }, (_, i) => `<link name="l${i}"><inertial><mass value="0.5"/><inertia ixx="1e-3" iyy="1e-3" izz="1e-3" ixy="0" ixz="0" iyz="0"/></inertial></link>`);
    const joints = Array.from({ length: 10000 }, (_, i) => `<joint name="j${i}" type="revolute"><parent link="l${i}"/><child link="l${i + 1}"/><origin xyz="0 0 0.01"/><axis xyz="0 1 0"/><limit lower="-2" upper="2" effort="10" velocity="2"/></joint>`);
    await t.page.evaluate(([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "application/xml" }));
      document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, ["chain.urdf", `<robot name="chain10k">${links.join("")}${joints.join("")}</robot>`]);
    dropped = Date.now();
    if (!(await waitForLog(t.log, "loaded chain10k", 120_000)))
      problems.push("the 10 000-joint chain did not load");
    const gaps = await t.page.evaluate(() => window.armtutorGaps);
    hostileFiles.push(`a 10 000-joint chain: loaded after ${((Date.now() - dropped) / 1000).toFixed(2)} s, ${gaps.frames} frames drawn meanwhile, the longest ${(gaps.longest / 1000).toFixed(2)} s`);
  }
  await t.page.close();
}

await browser.close();
server.close();

const wasm = fs.readFileSync(path.join(dist, "armtutor_bg.wasm"));
const brotli = zlib.brotliCompressSync(wasm, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
}).length;
console.log(`wasm: ${wasm.length} bytes raw, ${zlib.gzipSync(wasm, { level: 9 }).length} bytes gzip, ${brotli} bytes brotli`);
console.log(`first frame after ${times.map((t) => t?.toFixed(2)).join(" / ")} s from opening the page (${[main, ...tour].join(" / ")})`);
console.log(`where the time to the first frame goes (s, from the loader's start):\n  ${phases.join("\n  ")}`);
console.log(`${fps.toFixed(1)} frames per second while recording`);
console.log(`hostile addresses: first frame after ${hostileTimes.map((t) => t?.toFixed(2)).join(" / ")} s`);
console.log(`hostile files dropped on the page: ${hostileFiles.join("; ")}`);
console.log(`generative lesson (from opening the page):\n  ${generative.join("\n  ")}`);
console.log(`screenshots: ${shot} and ${path.basename(trainedShot)}, ${path.basename(uploadShot)}, ${tour.map((q) => "-" + q.split("&")[0].split("=")[1]).join(", ")}`);
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
