// Drives the page of `sanyipi serve` through a clerk's upload slips: a folder dragged onto the
// drop zone, then a picked month folder that holds a .zip, uploaded twice. Run by
// tests/it/browser.rs, which makes the assertions; this script reports what the page showed, as
// one JSON line on stdout.
//
// Environment: SANYIPI_URL, SANYIPI_FOLDER (a month folder holding a .zip), CHROMIUM.
import { chromium } from "playwright-core";

const url = process.env.SANYIPI_URL;
const folder = process.env.SANYIPI_FOLDER;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(url);
  await page.fill("#month", "2026-11");
  await page.locator("#month").dispatchEvent("change");
  await page.waitForFunction(() => document.getElementById("asof").min.startsWith("2026-11"));
  const result = {};
  // The folder dragged in, as from Explorer.
  const box = await page.locator("#drop").boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  for (const type of ["dragEnter", "dragOver", "drop"]) await cdp.send("Input.dispatchDragEvent", { type, x, y, data });
  await page.waitForTimeout(300);
  result.dropped = await page.textContent("#upload-msg");
  await page.click("#upload");
  await page.waitForTimeout(1000);
  result.afterDrop = await page.textContent("#upload-msg");
  result.staleShown = await page.locator("#stale").isVisible();
  // The same folder picked, twice: its zip is a file of it; the second time replaces.
  const upload = async () => {
    await page.setInputFiles("#folder", folder);
    await page.click("#upload");
    await page.waitForFunction(() => /已上传|未上传/.test(document.getElementById("upload-msg").textContent));
    return page.textContent("#upload-msg");
  };
  result.picked = await upload();
  result.pickedAgain = await upload();
  process.stdout.write(JSON.stringify(result) + "\n");
} finally {
  await browser.close();
}
