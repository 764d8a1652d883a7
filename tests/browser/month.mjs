// Drives the page of `sanyipi serve` in the system Chromium through playwright-core, like a
// clerk: picks the month and the as-of date, uploads a month's folder, checks, runs, reads the
// ranking and downloads the ranking workbook. Run by tests/it/browser.rs, which makes the
// assertions; this script only reports what the page showed, as one JSON line on stdout.
//
// Environment:
//   SANYIPI_URL         the URL `serve` printed (with its token)
//   SANYIPI_FOLDER      the month's folder to upload (e.g. samples/2026-10)
//   SANYIPI_ZIP         optional: upload this .zip of the month instead of the folder
//   SANYIPI_WEEK        optional: also make the weekly report of the week of this day
//   SANYIPI_LEADS       optional: also screen this leads workbook (uploaded as 招商项目信息汇总表.xlsx)
//   SANYIPI_MONTH       the month (YYYY-MM)
//   SANYIPI_AS_OF       the as-of date (YYYY-MM-DD)
//   SANYIPI_DOWNLOADS   the folder the workbook is downloaded into
//   SANYIPI_SCREENSHOT  optional: a PNG of the page after the run (docs/serve-page.png)
//   CHROMIUM            optional: the browser (default /usr/bin/chromium)
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const url = need("SANYIPI_URL");
const folder = need("SANYIPI_FOLDER");
const month = need("SANYIPI_MONTH");
const asOf = need("SANYIPI_AS_OF");
const downloads = need("SANYIPI_DOWNLOADS");
const screenshot = process.env.SANYIPI_SCREENSHOT;
const zip = process.env.SANYIPI_ZIP;
const week = process.env.SANYIPI_WEEK;
const leads = process.env.SANYIPI_LEADS;
const timeout = 120_000;

// Flags known to work with Debian's chromium in a container; never `playwright install`.
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--lang=zh-CN",
];

/** Clicks the first link in `selector` whose text ends with `.xlsx`; saves the download. */
async function downloadXlsx(page, selector) {
  const link = page.locator(`${selector} a`, { hasText: /\.xlsx$/ }).first();
  const name = (await link.textContent()).trim();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const saved = join(downloads, download.suggestedFilename());
  await download.saveAs(saved);
  return { name, saved };
}

/** Waits until the text of `selector` contains `needle`; returns the text. */
async function waitText(page, selector, needle) {
  const el = page.locator(selector);
  await el.filter({ hasText: needle }).waitFor({ timeout });
  return el.textContent();
}

const profile = mkdtempSync(join(tmpdir(), "sanyipi-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args,
  viewport: { width: 1366, height: 768 },
  acceptDownloads: true,
  locale: "zh-CN",
});
try {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(timeout);
  await page.goto(url);
  await waitText(page, "h1", "三个一批");

  await page.fill("#month", month);
  await page.locator("#month").dispatchEvent("change");
  await page.fill("#asof", asOf);

  // The month's folder, as a clerk picks it (webkitdirectory keeps 月报/ and 周报/), or a zip.
  if (zip) await page.setInputFiles("#files", zip);
  else await page.setInputFiles("#folder", folder);
  await page.click("#upload");
  const uploaded = await waitText(page, "#upload-msg", "已上传");

  await page.click("#check");
  const checked = await waitText(page, "#check-msg", "个文件；错误");
  const diagnostics = await page.locator("#diag-table tbody tr").count();

  await page.click("#run");
  const ran = await waitText(page, "#run-msg", "考核完成");
  const first = page.locator("#rank-table tbody tr").first().locator("td");
  const firstUnit = (await first.nth(1).textContent()).trim();
  const firstRank = (await first.nth(0).textContent()).trim();

  // The ranking workbook, downloaded through its link like a clerk would.
  const { name, saved } = await downloadXlsx(page, "#downloads");
  const result = { uploaded, checked, diagnostics, ran, firstRank, firstUnit, name, saved };

  if (week) {
    await page.fill("#week", week);
    await page.fill("#week-asof", asOf);
    await page.click("#weekly");
    result.weeklyMsg = await waitText(page, "#weekly-msg", "周报已生成");
    result.weeklySummary = await page.locator("#weekly-summary").textContent();
    result.weekly = await downloadXlsx(page, "#weekly-downloads");
  }
  if (leads) {
    const buffer = readFileSync(leads);
    await page.setInputFiles("#leads", {
      name: "招商项目信息汇总表.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer,
    });
    await page.click("#leads-upload");
    await waitText(page, "#leads-msg", "已上传");
    await page.fill("#screen-asof", asOf);
    await page.click("#screen");
    result.screenMsg = await waitText(page, "#screen-msg", "预审完成");
    result.screenSummary = await page.locator("#screen-summary").textContent();
    result.screening = await downloadXlsx(page, "#screen-downloads");
  }

  if (screenshot) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  process.stdout.write(JSON.stringify(result) + "\n");
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
