// Search what inspectors wrote: the page's own small interface over Pagefind's JS API.
// The index (site/search-index/, built by ofsted_record.site.search_index) holds one record per
// report page; Pagefind finds the pages holding the phrase (quoted: the words in order, whole
// words, no stemming). This script filters, sorts and counts them with reports.json (each
// record's report, page and template flag: no Pagefind filters, whose counting is slow), then
// shows each page's matching paragraphs, checked and highlighted with the same rule as
// `ofsted-record search` (whole words; a hyphen joins words).
(() => {
  "use strict";
  const root = document.getElementById("orc-search");
  if (!root) return;
  const base = new URL(root.dataset.index, document.baseURI);
  const JOINER = "\u203f"; // what the index has for a hyphen inside a word
  const PARAGRAPH_END = "\u00b6";
  const PAGE_SIZE = 20;
  const $ = (id) => document.getElementById(id);
  const form = $("orc-search-form");
  const input = $("orc-q");
  const status = $("orc-status");
  const list = $("orc-results");
  const more = $("orc-more");
  const years = $("orc-years");
  const csvButton = $("orc-csv");
  const selects = {
    council: $("orc-council"),
    framework: $("orc-framework"),
    grade: $("orc-grade"),
    from: $("orc-from"),
    to: $("orc-to"),
  };
  const template = $("orc-template");
  let pagefind = null;
  let info = null;
  let current = null; // {needle, results, shown, reports}
  let serial = 0;

  const fmt = new Intl.NumberFormat("en-GB");
  const plural = (n, word, many) => `${fmt.format(n)} ${n === 1 ? word : many || word + "s"}`;
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
  const normalise = (s) => s.replace(/\s+/g, " ").trim().toLowerCase();

  // The CLI's whole-word rule (store.python_pattern): no word character or hyphen either side.
  function pattern(needle) {
    let p = escapeRe(needle);
    if (/^[a-z0-9]/i.test(needle)) p = "(?<![\\w-])" + p;
    if (/[a-z0-9]$/i.test(needle)) p += "(?![\\w-])";
    return new RegExp(p, "gi");
  }

  // What Pagefind is asked: the phrase in quotes (words in order), hyphens in words as indexed.
  const quoted = (needle) => `"${needle.replace(/(?<=\w)-(?=\w)/g, JOINER)}"`;

  function option(select, value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.append(o);
  }

  async function load() {
    const res = await fetch(new URL("reports.json", base));
    if (!res.ok) throw new Error(`reports.json: ${res.status}`);
    info = await res.json();
    for (const c of info.councils) option(selects.council, c, c);
    for (const f of info.frameworks) option(selects.framework, f, f);
    for (const g of info.grades) option(selects.grade, g, g);
    for (const y of info.years) {
      option(selects.from, String(y), String(y));
      option(selects.to, String(y), String(y));
    }
    selects.from.value = String(info.years[0]);
    selects.to.value = String(info.years[info.years.length - 1]);
    pagefind = await import(new URL("pagefind/pagefind.js", base).href);
    await pagefind.options({ basePath: new URL("pagefind/", base).pathname });
    await pagefind.init();
  }

  function fromUrl() {
    const params = new URLSearchParams(location.search);
    const council = params.get("council");
    if (council) {
      const want = council.toLowerCase();
      const hit =
        info.councils.find((c) => c.toLowerCase() === want) ||
        info.councils.find((c) => c.toLowerCase().startsWith(want));
      if (hit) selects.council.value = hit;
      else {
        // a council with no report in the search: choose it anyway, so nothing is found
        option(selects.council, council, council);
        selects.council.value = council;
      }
    }
    for (const key of ["framework", "grade", "from", "to"]) {
      const v = params.get(key);
      if (v && [...selects[key].options].some((o) => o.value === v)) selects[key].value = v;
    }
    if (params.get("template") === "yes") template.checked = true;
    input.value = params.get("q") || "";
  }

  function toUrl() {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    if (selects.council.value) params.set("council", selects.council.value);
    if (selects.framework.value) params.set("framework", selects.framework.value);
    if (selects.grade.value) params.set("grade", selects.grade.value);
    if (selects.from.value !== String(info.years[0])) params.set("from", selects.from.value);
    if (selects.to.value !== String(info.years[info.years.length - 1]))
      params.set("to", selects.to.value);
    if (template.checked) params.set("template", "yes");
    const qs = params.toString();
    history.replaceState(null, "", qs ? `?${qs}` : location.pathname);
  }

  // What the form asks for, as a test of one record ([report index, page, template flag]).
  function wanted() {
    const want = {};
    for (const key of ["council", "framework", "grade"]) {
      if (selects[key].value) want[key] = selects[key].value;
    }
    let lo = Number(selects.from.value);
    let hi = Number(selects.to.value);
    if (lo > hi) [lo, hi] = [hi, lo];
    const all = info.years;
    const years = lo > all[0] || hi < all[all.length - 1];
    const withTemplate = template.checked;
    return ([, , isTemplate], report) =>
      (withTemplate || !isTemplate) &&
      Object.entries(want).every(([key, v]) => report[key] === v) &&
      (!years || (report.year !== null && report.year >= lo && report.year <= hi));
  }

  // Pagefind's results kept as the form asks, newest report first, then by page.
  function chosen(results) {
    const keep = wanted();
    const out = [];
    for (const r of results) {
      const record = info.records[r.id];
      if (!record) continue;
      const id = info.report_ids[record[0]];
      const report = info.reports[id];
      if (keep(record, report)) out.push({ r, id, iso: report.iso, page: record[1] });
    }
    out.sort((a, b) =>
      a.iso !== b.iso ? (a.iso < b.iso ? 1 : -1) : a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.page - b.page,
    );
    return out;
  }

  function drawYears(byYear, needle) {
    years.replaceChildren();
    const entries = info.years.map((y) => [y, byYear[y] || 0]);
    const max = Math.max(1, ...entries.map(([, n]) => n));
    const table = document.createElement("table");
    table.className = "orc-years-table";
    const caption = document.createElement("caption");
    caption.textContent = `Reports that use “${needle}”, by year of publication`;
    table.append(caption);
    const head = table.createTHead().insertRow();
    for (const h of ["Year", "Reports", "Share of the year's reports"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    for (const [y, n] of entries) {
      const row = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = String(y);
      row.append(th);
      const cell = row.insertCell();
      const bar = document.createElement("span");
      bar.className = "orc-bar";
      bar.style.width = `${(100 * n) / max}%`;
      bar.setAttribute("aria-hidden", "true");
      const num = document.createElement("span");
      num.className = "orc-bar-n";
      num.textContent = fmt.format(n);
      cell.append(bar, num);
      const total = info.reports_per_year[String(y)] || 0;
      row.insertCell().textContent = total ? `${Math.round((100 * n) / total)}%` : "";
    }
    years.append(table);
  }

  // The record's paragraphs (split at the mark the index puts after each), as printed.
  function paragraphs(data) {
    const numbers = (data.meta.paragraphs || "").split(" ");
    return data.content
      .split(PARAGRAPH_END)
      // Pagefind ends each block with a full stop when it has none: drop it after the mark
      .map((t, i) => (i ? t.replace(/^\s*\.(?=\s|$)/, "") : t).replaceAll(JOINER, "-").trim())
      .filter((t) => t)
      .map((text, i) => ({ text, number: Number(numbers[i]) || i + 1 }));
  }

  function matching(data, needle) {
    const re = pattern(needle);
    return paragraphs(data).filter((p) => {
      re.lastIndex = 0;
      return re.test(p.text);
    });
  }

  function highlighted(text, needle) {
    const frag = document.createDocumentFragment();
    const re = pattern(needle);
    let last = 0;
    for (const m of text.matchAll(re)) {
      frag.append(text.slice(last, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      frag.append(mark);
      last = m.index + m[0].length;
    }
    frag.append(text.slice(last));
    return frag;
  }

  function pdfLink(report, page) {
    return report.pdf ? `${report.pdf}#page=${page}` : "";
  }

  async function showMore(run) {
    const batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
    current.shown += batch.length;
    // all requested at once, each shown as soon as it and those before it have arrived
    const pending = batch.map((r) => r.data());
    for (const next of pending) {
      const data = await next;
      if (run !== serial) return;
      if (!list.firstChild) performance.mark("orc-fragment");
      const report = info.reports[data.meta.report];
      const found = matching(data, current.needle);
      if (!found.length) continue; // words only joined across punctuation: not the phrase
      const li = document.createElement("li");
      li.className = "orc-result";
      const h = document.createElement("h3");
      h.textContent = `${report.council}, ${report.date}`;
      const facts = document.createElement("p");
      facts.className = "orc-result-facts";
      facts.textContent = `${report.framework} · Overall: ${report.grade} · Page ${data.meta.page}`;
      li.append(h, facts);
      for (const p of found) {
        const q = document.createElement("p");
        q.className = "orc-paragraph";
        q.append(highlighted(p.text, current.needle));
        li.append(q);
      }
      const href = pdfLink(report, data.meta.page);
      if (href) {
        const a = document.createElement("a");
        a.href = href;
        a.className = "orc-pdf";
        a.textContent = `Read page ${data.meta.page} of the report (PDF)`;
        li.append(a);
      }
      list.append(li);
      if (list.childElementCount === 1) performance.mark("orc-first");
    }
    more.hidden = current.shown >= current.results.length;
  }

  async function run() {
    const run = ++serial;
    delete root.dataset.done; // set again when this search is shown (tests and timings wait on it)
    toUrl();
    const needle = normalise(input.value);
    list.replaceChildren();
    more.hidden = true;
    csvButton.hidden = true;
    years.replaceChildren();
    if (!needle) {
      current = null;
      status.textContent = "Type a word or a phrase to search every report.";
      root.dataset.done = "";
      return;
    }
    const started = performance.now();
    performance.mark("orc-search");
    const search = await pagefind.search(quoted(needle));
    if (run !== serial) return;
    performance.mark("orc-found");
    const hits = chosen(search.results);
    current = { needle, results: hits.map((h) => h.r), shown: 0 };
    // Pagefind ignores punctuation between words, so for a phrase of several words a page it
    // finds may hold only a near miss ("staff, turnover"): its report counts once one of its
    // pages is checked. One word has nothing between its letters: every report counts at once.
    const several = needle.includes(" ");
    const reports = [...new Set(hits.map((h) => h.id))];
    if (!hits.length) {
      showCounts(needle, []);
    } else {
      if (several) status.textContent = `“${needle}”: checking ${plural(reports.length, "report")}…`;
      else showCounts(needle, reports);
      await showMore(run);
      if (run !== serial) return;
      performance.mark("orc-shown");
      if (several) {
        const exact = await confirmed(run, hits, needle);
        if (run !== serial) return;
        showCounts(needle, exact);
      }
      csvButton.hidden = false;
    }
    root.dataset.ms = String(Math.round(performance.now() - started));
    performance.mark("orc-done");
    root.dataset.done = needle;
  }

  function showCounts(needle, reports) {
    const byYear = {};
    for (const id of reports) {
      const y = info.reports[id].year;
      byYear[y] = (byYear[y] || 0) + 1;
    }
    current.reports = reports;
    root.dataset.reports = [...reports].sort().join(" ");
    status.textContent = reports.length
      ? `“${needle}” is in ${plural(reports.length, "report")}.`
      : `No report has “${needle}” with these filters.`;
    if (reports.length) drawYears(byYear, needle);
    else years.replaceChildren();
  }

  // The reports with the phrase itself on at least one page: each report's pages are fetched in
  // order until one has it (most reports need one page; those shown first are already fetched).
  async function confirmed(run, hits, needle) {
    const pages = new Map();
    for (const h of hits) {
      if (!pages.has(h.id)) pages.set(h.id, []);
      pages.get(h.id).push(h.r);
    }
    const queue = [...pages];
    const found = new Set();
    const next = async () => {
      while (queue.length && run === serial) {
        const [id, results] = queue.shift();
        for (const r of results) {
          const data = await r.data();
          if (run !== serial) return;
          if (matching(data, needle).length) {
            found.add(id);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, next));
    return [...pages.keys()].filter((id) => found.has(id));
  }

  const csvCell = (v) => {
    const s = String(v ?? "");
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };

  // Every matching paragraph (not only those shown): fetched in batches, checked as shown.
  async function downloadCsv() {
    if (!current) return;
    const run = serial;
    csvButton.disabled = true;
    const rows = [
      ["council", "published", "framework", "overall_grade", "page", "paragraph", "text", "link"],
    ];
    for (let i = 0; i < current.results.length; i += 50) {
      const datas = await Promise.all(current.results.slice(i, i + 50).map((r) => r.data()));
      if (run !== serial) return;
      for (const data of datas) {
        const report = info.reports[data.meta.report];
        for (const p of matching(data, current.needle)) {
          rows.push([
            report.council, report.iso, report.framework, report.grade,
            data.meta.page, p.number, p.text, pdfLink(report, data.meta.page),
          ]);
        }
      }
    }
    const text = rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = `ofsted-reports-${current.needle.replace(/[^a-z0-9]+/g, "-")}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    csvButton.disabled = false;
    root.dataset.csvRows = String(rows.length - 1);
  }

  // Wait this long after a keystroke for the next before searching. Short: an unfinished word is
  // mostly not a word in the index, and an exact search with such a word ends at once.
  const PAUSE_MS = 60;
  let timer = 0;
  const soon = () => {
    clearTimeout(timer);
    // fetch the index chunks for the words typed so far while waiting for more typing
    const needle = normalise(input.value);
    if (pagefind && needle) pagefind.preload(quoted(needle));
    timer = setTimeout(run, PAUSE_MS);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", soon);
  for (const el of [...Object.values(selects), template]) el.addEventListener("change", run);
  more.addEventListener("click", () => showMore(serial));
  csvButton.addEventListener("click", downloadCsv);

  load()
    .then(() => {
      fromUrl();
      root.dataset.ready = "true";
      return run();
    })
    .catch((err) => {
      status.textContent = "The search could not be loaded. Please try reloading the page.";
      console.error(err);
    });
})();
