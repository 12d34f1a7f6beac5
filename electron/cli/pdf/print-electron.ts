// Prints the report HTML with the Electron binary (a development checkout that has one but no
// system Chromium). Electron runs a tiny main script from a temporary folder: a hidden,
// sandboxed window with JavaScript off loads the HTML file, every request other than that
// file is cancelled, and webContents.printToPDF writes the PDF with the same options the
// app uses (electronPrintToPdfOptions).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PrintLayout } from '../../../shared/report/print-layout';
import { electronPrintToPdfOptions } from '../../../shared/report/print-layout';

/** The Electron main script; reads its job from the JSON file named on its command line. */
export const ELECTRON_PRINT_SCRIPT = `'use strict';
const { app, BrowserWindow, session } = require('electron');
const fs = require('node:fs');
const job = JSON.parse(fs.readFileSync(process.argv[process.argv.length - 1], 'utf8'));
app.disableHardwareAcceleration();
app.whenReady().then(async () => {
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: details.url !== job.htmlUrl });
  });
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, javascript: false, contextIsolation: true, nodeIntegration: false, webSecurity: true },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  await win.loadURL(job.htmlUrl);
  const pdf = await win.webContents.printToPDF(job.options);
  fs.writeFileSync(job.pdfPath, pdf);
  app.exit(0);
}).catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\\n');
  app.exit(1);
});
`;

export async function printWithElectron(html: string, layout: PrintLayout, electronPath: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'tdx-cpuid-pdf-'));
  try {
    const htmlPath = join(dir, 'report.html');
    const pdfPath = join(dir, 'report.pdf');
    const scriptPath = join(dir, 'print.cjs');
    const jobPath = join(dir, 'job.json');
    writeFileSync(htmlPath, html);
    writeFileSync(scriptPath, ELECTRON_PRINT_SCRIPT);
    writeFileSync(jobPath, JSON.stringify({ htmlUrl: pathToFileURL(htmlPath).href, pdfPath, options: electronPrintToPdfOptions(layout) }));
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    await new Promise<void>((resolve, reject) => {
      const child = spawn(electronPath, [scriptPath, '--headless', '--no-sandbox', '--disable-gpu', jobPath], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      const timer = setTimeout(() => child.kill(), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`Electron printing failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      });
    });
    return new Uint8Array(readFileSync(pdfPath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
