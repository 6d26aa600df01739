// The Ofsted record's chart runtime, shared by the site's pages and the embeds. Each chart's
// Vega spec was compiled from Vega-Lite when the site was built, so the page needs only Vega
// (no Vega-Lite compiler, no vega-embed), and only once a chart comes near the screen: pages
// load this small module in their head and the library with import() on first use.
const LIB = new URL("__BUNDLE__", import.meta.url).href;
// How far below (or above) the screen a chart starts drawing, so it is ready when it scrolls in.
const MARGIN = "600px 0px";
// Below this container width legends stack in one column under the plot (Vega never wraps a
// legend's labels, so two columns of grade names ran off a phone's screen).
export const NARROW = 560;

let lib = null;
export function loadVega() {
  lib ??= import(LIB).then((m) => ({ vega: globalThis.vega, interpreter: m.expressionInterpreter }));
  return lib;
}

// A string as lines of at most about n characters (Vega draws a list as lines, never wraps).
const wrap = (s, n) => {
  const out = [];
  let line = "";
  for (const w of s.split(" ")) {
    if (line && (line + " " + w).length > n) {
      out.push(line);
      line = w;
    } else line = line ? line + " " + w : w;
  }
  out.push(line);
  return out;
};
const long = (t, w) => typeof t === "string" && t.length * 7 > w / 2;

// Narrow containers: every legend one column under the plot, labels limited to the width;
// legend and bottom-axis titles longer than the width broken into lines of about half of it;
// a bottom axis's title ends at the plot's right end (centred, it was cut at a phone's edge).
// Left and right axes' titles run up the plot's height: wrapped, their extra lines were drawn
// past the chart's left edge, so they stay one line.
export function fit(node, w) {
  for (const legend of node.legends || []) {
    Object.assign(legend, { columns: 1, labelLimit: w - 40, orient: "bottom", direction: "vertical" });
    if (long(legend.title, w)) legend.title = wrap(legend.title, Math.floor(w / 14));
  }
  for (const axis of node.axes || []) {
    if (axis.orient !== "bottom" && axis.orient !== "top") continue;
    if (long(axis.title, w)) axis.title = wrap(axis.title, Math.floor(w / 14));
    if (axis.orient === "bottom" && axis.title != null) axis.titleAnchor = "end";
  }
  for (const mark of node.marks || []) if (mark.type === "group") fit(mark, w);
  return node;
}

// RFC 6902 patch (the embeds' dark mode, computed at build time).
export function applyPatch(doc, ops) {
  const at = (path) => {
    const keys = path.split("/").slice(1).map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = keys.pop();
    let parent = doc;
    for (const k of keys) parent = parent[k];
    return [parent, last];
  };
  const get = (path) => {
    const [p, k] = at(path);
    return p[k];
  };
  for (const op of ops) {
    const [parent, key] = at(op.path);
    const index = Array.isArray(parent) ? (key === "-" ? parent.length : Number(key)) : key;
    const put = (value) =>
      Array.isArray(parent) ? parent.splice(index, 0, value) : (parent[key] = value);
    if (op.op === "test") {
      if (JSON.stringify(parent[index]) !== JSON.stringify(op.value)) throw new Error(`patch test failed at ${op.path}`);
    } else if (op.op === "remove") {
      Array.isArray(parent) ? parent.splice(index, 1) : delete parent[key];
    } else if (op.op === "replace") parent[index] = structuredClone(op.value);
    else if (op.op === "add") put(structuredClone(op.value));
    else if (op.op === "copy") put(structuredClone(get(op.from)));
    else if (op.op === "move") {
      const value = get(op.from);
      applyPatch(doc, [{ op: "remove", path: op.from }]);
      applyPatch(doc, [{ op: "add", path: op.path, value }]);
    }
  }
  return doc;
}

// vega-tooltip is part of vega-embed; this is its plain-words part: one positioned box with
// the hovered item's fields as "Title: value" lines, announced as a tooltip.
let box = null;
function tooltip(handler, event, item, value) {
  if (!box) {
    box = document.createElement("div");
    box.className = "orc-tooltip";
    box.id = "orc-tooltip";
    box.setAttribute("role", "tooltip");
    box.style.cssText =
      "position:fixed;z-index:1000;pointer-events:none;max-width:min(20rem,90vw);padding:4px 8px;" +
      "background:#fff;color:#1a1a1a;border:1px solid #8c8c8c;border-radius:3px;" +
      "font:13px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.2)";
    document.body.append(box);
  }
  if (value == null || value === "") {
    box.hidden = true;
    return;
  }
  const lines =
    typeof value === "object"
      ? Object.entries(value)
          .filter(([, v]) => v != null)
          .map(([k, v]) => `${k}: ${v}`)
      : [String(value)];
  box.replaceChildren(
    ...lines.map((text) => {
      const line = document.createElement("div");
      line.textContent = text;
      return line;
    }),
  );
  box.hidden = false;
  const x = event.clientX + 12;
  const y = event.clientY + 12;
  const { width, height } = box.getBoundingClientRect();
  box.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 4))}px`;
  box.style.top = `${y + height > window.innerHeight ? Math.max(0, event.clientY - height - 12) : y}px`;
}

// Draws a Vega spec into el; resolves to {view, spec}. ast: Vega's expression interpreter
// instead of generated functions (no eval: the embeds' Content-Security-Policy); links: how
// links in marks open (the embeds open a new tab).
export async function draw(el, spec, { ast = false, links = null } = {}) {
  const { vega, interpreter } = await loadVega();
  if (el.clientWidth && el.clientWidth < NARROW) fit(spec, el.clientWidth);
  const runtime = vega.parse(spec, null, ast ? { ast: true } : undefined);
  const view = new vega.View(runtime, {
    renderer: "svg",
    container: el,
    hover: true,
    tooltip,
    ...(ast ? { expr: interpreter } : {}),
    ...(links ? { loader: vega.loader(links) } : {}),
  });
  await view.runAsync();
  return { view, spec };
}

// Site charts draw one at a time, each in its own task, the one nearest the screen first (in
// view, then the closest; ties in page order): on a phone the map page's hex map, in view,
// used to wait about a second for the boundary map below it, whose observer fired first.
const waiting = [];
let busy = false;
function offScreen(el) {
  const r = el.getBoundingClientRect();
  return r.bottom < 0 ? -r.bottom : Math.max(0, r.top - window.innerHeight);
}
function nearestFirst(a, b) {
  const d = offScreen(a.el) - offScreen(b.el);
  if (d) return d;
  return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}
async function pump() {
  if (busy) return;
  busy = true;
  while (waiting.length) {
    await new Promise((next) => setTimeout(next, 0));
    waiting.sort(nearestFirst);
    const { el, job, ok, no } = waiting.shift();
    await job(el).then(ok, no);
  }
  busy = false;
}
function enqueue(el, job) {
  return new Promise((ok, no) => {
    waiting.push({ el, job, ok, no });
    pump();
  });
}

// A site page's chart: drawn when it comes near the screen, or at once when a page script
// drives it (eager: the maps). el.orcEmbed is the promise of {view}, as vega-embed's was.
export function chart(id, spec, { eager = false } = {}) {
  const el = document.getElementById(id);
  el.orcEmbed = new Promise((ok, no) => {
    const go = () => enqueue(el, () => draw(el, spec)).then(ok, no);
    if (!eager && "IntersectionObserver" in window) {
      const io = new IntersectionObserver(
        (seen) => {
          if (seen.some((e) => e.isIntersecting)) {
            io.disconnect();
            go();
          }
        },
        { rootMargin: MARGIN },
      );
      io.observe(el);
    } else go();
  });
  el.orcEmbed.catch((error) => console.error(error));
  return el.orcEmbed;
}

// The pages' inline scripts call window.orcChart (module scripts run in document order, so
// this module, in the head, has run before them).
window.orcChart = chart;
// The embeds' page script (a classic script, so it also runs from disk) uses these.
window.orcDraw = draw;
window.orcPatch = applyPatch;
