// Search what inspectors wrote: the page's own small interface over Pagefind's JS API.
// The index (site/search-index/, built by ofsted_record.site.search_index) holds one record per
// report (and one for its template text); Pagefind finds the reports holding the phrase (quoted:
// the words in order, whole words, no stemming; the index breaks phrases where punctuation
// stands between words, so this is exact). This script filters, sorts and counts them with
// reports.json (each record's report, first page and template flag: no Pagefind filters, whose
// counting is slow), then shows each report's matching paragraphs, checked and highlighted with
// the same rule as `ofsted-record search` (whole words; a hyphen joins words), each with a link
// to its page of the PDF.
(() => {
  "use strict";
  const root = document.getElementById("orc-search");
  if (!root) return;
  const base = new URL(root.dataset.index, document.baseURI);
  // The address as the reader opened it, read now: Quarto's own search script removes `q` from
  // the address when the page has loaded (it takes it for a search it should highlight), which is
  // before this page's index has loaded.
  const linked = new URLSearchParams(location.search);
  const JOINER = "\u203f"; // what the index has for a hyphen inside a word
  const PARAGRAPH_END = "\u00b6";
  const PHRASE_BREAK = " \u2021 "; // the index's mark in a gap that punctuation touches
  const PAGE_SIZE = 10; // reports at a time
  const SHOWN_PER_REPORT = 3; // paragraphs shown per report (the CSV has them all)
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
  // as the CLI's normalise_query: one space between words, curly apostrophes straight
  const normalise = (s) => s.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, " ").trim().toLowerCase();

  // The CLI's whole-word rule (store.python_pattern): no word character or hyphen either side.
  function pattern(needle) {
    let p = escapeRe(needle);
    if (/^[a-z0-9]/i.test(needle)) p = "(?<![\\w-])" + p;
    if (/[a-z0-9]$/i.test(needle)) p += "(?![\\w-])";
    return new RegExp(p, "gi");
  }

  // What Pagefind is asked: the phrase in quotes (words in order), hyphens in words as indexed.
  const TIE = "\u2040"; // what the index has for an apostrophe inside a word
  const joined = (needle) =>
    needle.replace(/(?<=\w)-(?=\w)/g, JOINER).replace(/(?<=[\p{L}\p{N}_])'(?=[\p{L}\p{N}_])/gu, TIE);
  const quoted = (needle) => `"${joined(needle)}"`;
  // Punctuation at a gap between words ("(turnover) here"): the index breaks the phrase there,
  // so Pagefind is asked for the words, and every report it finds is checked for the phrase.
  // A word's characters, as the index has them (search_index._WORDLIKE): letters, digits, the
  // underscore, and the hyphen's and apostrophe's ties.
  const WORD = "\\p{L}\\p{N}_\\u203f\\u2040";
  const WORDLIKE = new RegExp(`[${WORD}]`, "u");
  const NOT_WORDS = new RegExp(`[^${WORD}]+`, "gu");
  const PUNCTUATION = new RegExp(`[^${WORD} ]`, "u");
  function gapped(needle) {
    const words = joined(needle).split(" ");
    return words.some((w, i) => i && (!WORDLIKE.test(words[i - 1].at(-1)) || !WORDLIKE.test(w[0])));
  }
  const asked = (needle) =>
    gapped(needle) ? joined(needle).replace(NOT_WORDS, " ").trim() : quoted(needle);
  // Pagefind drops punctuation ("(cse)" finds "cse"), so a phrase with any is checked on each
  // report's paragraphs with the CLI's rule; a phrase of words alone is exact as Pagefind finds it.
  const needsCheck = (needle) => PUNCTUATION.test(joined(needle));

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
    const params = linked;
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

  // Pagefind's results kept as the form asks, a report's records together (its text and, when
  // asked for, its template text), newest report first.
  function chosen(results) {
    const keep = wanted();
    const byReport = new Map();
    for (const r of results) {
      const record = info.records[r.id];
      if (!record) continue;
      const id = info.report_ids[record[0]];
      const report = info.reports[id];
      if (!keep(record, report)) continue;
      if (!byReport.has(id)) byReport.set(id, { id, iso: report.iso, rs: [] });
      byReport.get(id).rs.push(r);
    }
    return [...byReport.values()].sort((a, b) =>
      a.iso !== b.iso ? (a.iso < b.iso ? 1 : -1) : a.id < b.id ? -1 : 1,
    );
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

  // The record's paragraphs (split at the mark the index puts after each), as printed, each
  // with its number on its page and its page.
  function paragraphs(data) {
    const numbers = (data.meta.paragraphs || "").split(" ");
    const pages = (data.meta.pages || "").split(" ");
    return data.content
      .split(PARAGRAPH_END)
      // Pagefind ends each block with a full stop when it has none: drop it after the mark
      .map((t, i) => (i ? t.replace(/^\s*\.(?=\s|$)/, "") : t))
      .map((t) => t.replaceAll(PHRASE_BREAK, " ").replaceAll(JOINER, "-").replaceAll(TIE, "'").trim())
      .filter((t) => t)
      .map((text, i) => ({
        text,
        number: Number(numbers[i]) || i + 1,
        page: Number(pages[i]) || Number(data.meta.page),
      }));
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

  // A report's matching paragraphs, from each of its records (text, and template text when
  // asked for), in page order.
  async function found(group, needle) {
    const datas = await Promise.all(group.rs.map((r) => r.data()));
    return datas
      .flatMap((data) => matching(data, needle))
      .sort((a, b) => a.page - b.page || a.number - b.number);
  }

  function pdfAnchor(report, page) {
    const href = pdfLink(report, page);
    if (!href) return null;
    const a = document.createElement("a");
    a.href = href;
    a.className = "orc-pdf";
    a.textContent = `Page ${page} of the report (PDF)`;
    return a;
  }

  async function showMore(run) {
    const batch = current.results.slice(current.shown, current.shown + PAGE_SIZE);
    current.shown += batch.length;
    // all requested at once, each shown as soon as it and those before it have arrived
    const pending = batch.map((group) => found(group, current.needle));
    for (const [i, next] of pending.entries()) {
      const paras = await next;
      if (run !== serial) return;
      if (!list.firstChild) performance.mark("orc-fragment");
      if (!paras.length) continue; // words only, found across punctuation: not the phrase
      const report = info.reports[batch[i].id];
      const li = document.createElement("li");
      li.className = "orc-result";
      const h = document.createElement("h3");
      h.textContent = `${report.council}, ${report.date}`;
      const facts = document.createElement("p");
      facts.className = "orc-result-facts";
      const pages = [...new Set(paras.map((p) => p.page))];
      facts.textContent =
        `${report.framework} · Overall: ${report.grade} · ` +
        `${plural(paras.length, "paragraph")} on ${pages.length === 1 ? "page" : "pages"} ` +
        pages.join(", ");
      li.append(h, facts);
      for (const p of paras.slice(0, SHOWN_PER_REPORT)) {
        const q = document.createElement("p");
        q.className = "orc-paragraph";
        q.append(highlighted(p.text, current.needle));
        li.append(q);
        const a = pdfAnchor(report, p.page);
        if (a) li.append(a);
      }
      if (paras.length > SHOWN_PER_REPORT) {
        const rest = document.createElement("p");
        rest.className = "orc-result-more";
        rest.textContent = `and ${plural(paras.length - SHOWN_PER_REPORT, "more paragraph")} in this report (all are in the CSV)`;
        li.append(rest);
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
    const search = await pagefind.search(asked(needle));
    if (run !== serial) return;
    performance.mark("orc-found");
    const hits = chosen(search.results);
    current = { needle, results: hits, shown: 0 };
    // Pagefind's phrase search is exact on this index for words, so every report it finds
    // counts at once; a phrase with punctuation is checked report by report.
    const check = needsCheck(needle);
    const reports = hits.map((h) => h.id);
    if (!hits.length) {
      showCounts(needle, []);
    } else {
      if (check) status.textContent = `“${needle}”: checking ${plural(reports.length, "report")}…`;
      else showCounts(needle, reports);
      await showMore(run);
      if (run !== serial) return;
      performance.mark("orc-shown");
      if (check) {
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

  // The reports with the phrase itself (for a phrase searched as words), six at a time.
  async function confirmed(run, hits, needle) {
    const queue = [...hits];
    const exact = new Set();
    const next = async () => {
      while (queue.length && run === serial) {
        const group = queue.shift();
        if ((await found(group, needle)).length) exact.add(group.id);
      }
    };
    await Promise.all(Array.from({ length: 6 }, next));
    return hits.map((h) => h.id).filter((id) => exact.has(id));
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
    for (let i = 0; i < current.results.length; i += 20) {
      const batch = current.results.slice(i, i + 20);
      const paras = await Promise.all(batch.map((group) => found(group, current.needle)));
      if (run !== serial) return;
      for (const [j, group] of batch.entries()) {
        const report = info.reports[group.id];
        for (const p of paras[j]) {
          rows.push([
            report.council, report.iso, report.framework, report.grade,
            p.page, p.number, p.text, pdfLink(report, p.page),
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
