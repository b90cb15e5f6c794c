// Loads the app: downloads and compiles the .wasm with a progress bar (from this page's own
// origin), then starts it. The app draws into <canvas id="armtutor"> and follows its size.
import init from "./armtutor.js";

const fill = document.getElementById("fill");
const status = document.getElementById("status");
const error = document.getElementById("error");

// Where the time to the first frame goes: each phase's end, in seconds since the page ran
// this script, on the console (the smoke test prints them).
const t0 = performance.now();
const phase = (name) =>
  console.info(`armtutor: phase ${name} ${((performance.now() - t0) / 1000).toFixed(2)} s`);

function progress(received, total) {
  fill.style.width = `${Math.round((100 * received) / total)}%`;
  status.textContent = `Loading… ${(received / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`;
}

// Downloads and compiles the module. Served as application/wasm, it is compiled while it
// downloads (one copy of the stream feeds the compiler, the other the progress bar);
// otherwise it is downloaded whole, then compiled.
async function load(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get("Content-Length")) || 0;
  const wasmType = (response.headers.get("Content-Type") || "").startsWith("application/wasm");
  if (response.body && wasmType && WebAssembly.compileStreaming) {
    const [toCompiler, toBar] = response.body.tee();
    const compiled = WebAssembly.compileStreaming(
      new Response(toCompiler, { headers: { "Content-Type": "application/wasm" } }));
    const reader = toBar.getReader();
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      if (total) progress(received, total);
    }
    phase("download");
    status.textContent = "Compiling…";
    const module = await compiled;
    phase("compile");
    return module;
  }
  let bytes;
  if (!response.body || !total) {
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    const reader = response.body.getReader();
    bytes = new Uint8Array(total);
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes.set(value, received);
      received += value.length;
      progress(received, total);
    }
  }
  phase("download");
  status.textContent = "Compiling…";
  const module = await WebAssembly.compile(bytes);
  phase("compile");
  return module;
}

// A panic in the app traps the module (the web build has panic = "abort"): the canvas would
// freeze without a word, so the overlay comes back and says what happened.
window.addEventListener("error", (e) => {
  if (!(e.error instanceof WebAssembly.RuntimeError)) return;
  document.getElementById("loading").style.display = "";
  status.textContent = "armtutor stopped. Reload the page to start again.";
  error.textContent = `${e.message} (the browser console has the details)`;
});

// The app says when it has drawn its first complete frame (see `announce_the_first_frame`
// in src/app/web.rs); until then the overlay stays and says what is happening. On a software
// renderer each of the first frames (shaders built, meshes uploaded) can hold the page for
// a second or more.
window.addEventListener("armtutor-first-frame", () => {
  phase("first-frame");
  document.getElementById("loading").style.display = "none";
}, { once: true });

try {
  const module = await load(new URL("./armtutor_bg.wasm", import.meta.url));
  status.textContent = "Starting…";
  fill.style.width = "100%";
  document.getElementById("armtutor").focus();
  // Let the text reach the screen before init() holds the page.
  await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok)));
  await init({ module_or_path: module }).catch((e) => {
    // winit leaves init() by an exception it uses for control flow, which is not an error.
    if (!String(e).includes("Using exceptions for control flow")) throw e;
  });
  // init() returns when the app has been built (plugins, resources, the first lesson's set-up)
  // and hands its loop to the browser: what follows until the first frame is drawing.
  phase("start");
  if (document.getElementById("loading").style.display !== "none")
    status.textContent = "Preparing the 3D view…";
} catch (e) {
  status.textContent = "armtutor could not start.";
  error.textContent = String(e);
  console.error(e);
}
