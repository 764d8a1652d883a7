// Drives the page of `sanyipi serve` like a clerk checking a month before assessing it: the
// as-of date and week follow the chosen month, a date outside the month is refused, every
// unit's 报送情况 shows after 检查, the problem list downloads as a workbook, one uploaded file
// is deleted, a re-run replaces the first revision (its files kept), a history row opens its
// report, a reload shows the last result, a stale token says how to reopen, and an old IE
// engine is told so. Run by tests/it/browser.rs, which makes the assertions; this script
// reports what the page showed, as one JSON line on stdout.
//
// Environment: SANYIPI_URL, SANYIPI_FOLDER, SANYIPI_DOWNLOADS (as month.mjs), CHROMIUM.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const url = need("SANYIPI_URL");
const folder = need("SANYIPI_FOLDER");
const downloads = need("SANYIPI_DOWNLOADS");
const timeout = 120_000;
const args = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage", "--lang=zh-CN",
];

async function waitText(page, selector, needle) {
  const el = page.locator(selector);
  await el.filter({ hasText: needle }).waitFor({ timeout });
  return el.textContent();
}

async function chooseMonth(page, month) {
  await page.fill("#month", month);
  await page.locator("#month").dispatchEvent("change");
  await page.waitForFunction((m) => document.getElementById("asof").min.startsWith(m), month);
  return {
    asOf: await page.inputValue("#asof"),
    min: await page.getAttribute("#asof", "min"),
    max: await page.getAttribute("#asof", "max"),
    week: await page.inputValue("#week"),
  };
}

const profile = mkdtempSync(join(tmpdir(), "sanyipi-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true, args, viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: "zh-CN",
});
try {
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on("dialog", (d) => d.accept());
  await page.goto(url);
  await waitText(page, "h1", "三个一批");
  const result = {};
  result.renderer = await page.getAttribute('meta[name="renderer"]', "content");
  result.oldIeShownInChromium = await page.locator("#old-ie").isVisible();

  // Point 6: the dates follow the month.
  result.september = await chooseMonth(page, "2026-09");
  result.october = await chooseMonth(page, "2026-10");

  await page.setInputFiles("#folder", folder);
  await page.click("#upload");
  await waitText(page, "#upload-msg", "已上传");
  // An extra file, then deleted through its button.
  await page.setInputFiles("#files", { name: "多余的文件.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("x") });
  await page.click("#upload");
  await waitText(page, "#uploaded", "多余的文件.xlsx");
  await page.locator("#uploaded li", { hasText: "多余的文件.xlsx" }).locator("button").click();
  result.deleted = await waitText(page, "#upload-msg", "已删除");
  // The list is fetched again after the message: wait for it (or time out and let the
  // assertion show what stayed).
  await page
    .waitForFunction(() => !document.querySelector("#uploaded").textContent.includes("多余的文件"), null, { timeout: 10000 })
    .catch(() => {});
  result.uploadedAfterDelete = await page.locator("#uploaded").textContent();

  // Point 7: every unit's 报送情况.
  await page.click("#check");
  result.checked = await waitText(page, "#check-msg", "个文件；错误");
  result.submissions = await page.locator("#sub-table tbody tr").evaluateAll((rows) =>
    rows.map((r) => Array.from(r.cells).map((c) => c.textContent)));
  const [problems] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  result.problems = join(downloads, problems.suggestedFilename());
  await problems.saveAs(result.problems);

  // Point 6: a date outside the month is refused, with the reason.
  await page.fill("#asof", "2020-01-01");
  await page.click("#run");
  result.refused = await waitText(page, "#run-msg", "考核期");

  // Point 8: two revisions; the history binds each row to its own.
  await page.fill("#asof", "2026-10-25");
  await page.click("#run");
  await waitText(page, "#run-msg", "考核完成");
  await page.click("#run");
  result.again = await waitText(page, "#run-msg", "重新考核");
  await page.check("#force");
  await page.click("#run");
  // Point 8: a running operation shows its progress (the server reads slowly for this test),
  // and so does the page reloaded in the middle of it.
  result.running = await waitText(page, "#run-msg", "已读");
  await page.reload();
  result.runningAfterReload = await waitText(page, "#run-msg", "正在考核");
  result.ran = await waitText(page, "#run-msg", "第 2 版");
  // Issue 26, point 5: the notices are one collapsed group, found by a search.
  result.groups = await page.locator("#downloads details > summary").allTextContents();
  result.groupsOpen = await page.locator("#downloads details").evaluateAll((ds) => ds.map((d) => d.open));
  await page.fill("#downloads input.find", "东湖镇");
  result.found = await page.locator("#downloads li:not([hidden])").allTextContents();
  result.groupsFound = await page.locator("#downloads details > summary").allTextContents();
  result.groupsOpenFound = await page.locator("#downloads details").evaluateAll((ds) => ds.map((d) => d.open));
  await waitText(page, "#history-table", "已被第 2 版替换");
  result.history = await page.locator("#history-table tbody tr").evaluateAll((rows) =>
    rows.map((r) => Array.from(r.cells).map((c) => c.textContent)));
  const view = page.locator("#history-table a", { hasText: "查看" }).first();
  const [report] = await Promise.all([context.waitForEvent("page"), view.click()]);
  await report.waitForLoadState();
  result.reportText = (await report.locator("body").textContent()).slice(0, 2000);
  await report.close();

  // Point 8: a reload shows the last result.
  await page.reload();
  await waitText(page, "#run-msg", "考核完成");
  result.afterReload = await page.locator("#run-msg").textContent();
  result.rankRowsAfterReload = await page.locator("#rank-table tbody tr").count();

  // Point 8: a stale token, and an old IE engine.
  const stale = await context.newPage();
  await stale.goto(url.replace(/t=[0-9a-f]+/, "t=00000000"));
  result.stale = await stale.locator("body").textContent();
  await stale.close();
  const ie = await context.newPage();
  const cdp = await context.newCDPSession(ie);
  await cdp.send("Emulation.setUserAgentOverride", { userAgent: "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko" });
  await ie.goto(url);
  result.oldIe = (await ie.locator("#old-ie").isVisible()) ? await ie.locator("#old-ie").textContent() : "";
  await ie.close();

  process.stdout.write(JSON.stringify(result) + "\n");
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
