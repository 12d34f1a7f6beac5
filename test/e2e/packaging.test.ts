// CI packaging check (desktop issue): build the app, package it offline with
// electron-builder against a stub Electron distribution, then read the produced app.asar:
// it must hold the built app and only runtime dependencies, and the Electron binary must
// carry the hardened fuses. Everything happens in a temporary folder: the checkout's out/
// and release/ are not touched.

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { AsarArchive } from '../../build/asar-listing';
import { handleAppRequest } from '../../electron/main/security/app-protocol';
import { appCsp } from '../../electron/main/security/csp';
import { createStubElectronDist, readFuseWire } from '../../build/stub-electron';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const electronVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
let builtRenderer: string;
let unpacked: string;
let asar: AsarArchive;
let files: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tdx-package-'));
  const app = join(tmp, 'app');
  mkdirSync(app);
  // Build into the staging folder (electron-vite --outDir), so a concurrent `npm run build` in
  // the checkout is neither disturbed nor packaged by mistake.
  await run(process.execPath, [join(repo, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', join(app, 'out'), '--logLevel', 'warn'], {
    cwd: repo,
    maxBuffer: 64 * 1024 * 1024,
  });
  builtRenderer = join(app, 'out', 'renderer');
  cpSync(join(repo, 'package.json'), join(app, 'package.json'));
  cpSync(join(repo, 'package-lock.json'), join(app, 'package-lock.json'));
  symlinkSync(join(repo, 'node_modules'), join(app, 'node_modules'), 'dir');
  symlinkSync(join(repo, 'build'), join(app, 'build'), 'dir');
  const dist = join(tmp, 'electron-dist');
  createStubElectronDist(dist, electronVersion);
  await run(
    process.execPath,
    [
      join(repo, 'node_modules/electron-builder/cli.js'),
      '--dir',
      '--linux',
      '--x64',
      '--projectDir',
      app,
      '--config',
      join(repo, 'build/electron-builder.yml'),
      `-c.electronDist=${dist}`,
      `-c.directories.output=${join(tmp, 'release')}`,
    ],
    { cwd: app, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ELECTRON_BUILDER_CACHE: join(tmp, 'cache'), CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  unpacked = join(tmp, 'release', 'linux-unpacked');
  asar = new AsarArchive(join(unpacked, 'resources', 'app.asar'));
  files = asar.files();
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Top-level package names under node_modules/ inside the asar ("zod", "@scope/name"). */
function packagedModules(): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** Every package folder in the asar, as its path ("node_modules/a", "node_modules/a/node_modules/b"). */
function packagedModulePaths(): string[] {
  const paths = new Set<string>();
  for (const f of files) {
    const m = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)package\.json$/.exec(f);
    if (m) paths.add(m[1].slice(0, -1));
  }
  return [...paths].sort();
}

/** package-lock.json's entries by path ("node_modules/a/node_modules/b"), with its dev flag. */
function lockPackages(): Map<string, { dev?: boolean }> {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return new Map(Object.entries(lock.packages));
}

describe('packaged app (electron-builder --dir, stub Electron)', () => {
  it('holds the built main process, preload and renderer, and package.json pointing at main', () => {
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']) expect(files, f).toContain(f);
    expect(files.some((f) => /^out\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    const packaged = JSON.parse(asar.read('package.json').toString('utf8')) as { main: string; type?: string };
    expect(packaged.main).toBe(pkg.main);
    expect(files).toContain(packaged.main);
    // out/main/index.js is an ES module: it loads only under "type": "module".
    expect(asar.read(packaged.main).toString('utf8')).toMatch(/^import .* from "electron";$/m);
    expect(packaged.type).toBe('module');
  });

  it('the preload is one CommonJS file that requires nothing but electron (sandboxed preloads cannot)', () => {
    expect(files.filter((f) => f.startsWith('out/preload/'))).toEqual(['out/preload/index.cjs']);
    const code = asar.read('out/preload/index.cjs').toString('utf8');
    expect([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('carries no sources, tests, fixtures, reference data, source maps or build scripts', () => {
    const app = files.filter((f) => !f.startsWith('node_modules/'));
    expect(app.filter((f) => !/^(out\/(main|preload|renderer)\/|package\.json$)/.test(f))).toEqual([]);
    expect(app.filter((f) => /\.(ts|vue|map)$/.test(f) || /(^|\/)(test|fixtures|corpus|InstLatx64)(\/|$)/i.test(f))).toEqual([]);
  });

  it('ships only runtime dependencies: no dev-only package, nothing of the toolchain', () => {
    const modules = packagedModules();
    const lock = lockPackages();
    const paths = packagedModulePaths();
    expect(paths.length).toBeGreaterThan(0);
    // Each packaged package is one package-lock knows, and not one it marks dev-only.
    expect(paths.filter((p) => !lock.has(p))).toEqual([]);
    expect(paths.filter((p) => lock.get(p)?.dev === true)).toEqual([]);
    for (const tool of ['vue', 'vite', 'vitest', 'electron', 'typescript', 'electron-builder', 'electron-vite', 'pinia', 'eslint', 'rolldown', '@vitejs/plugin-vue']) {
      expect(modules, tool).not.toContain(tool);
    }
    for (const name of Object.keys(pkg.devDependencies)) expect(modules, name).not.toContain(name);
  });

  it('every package the main process imports at run time is inside the asar', () => {
    const mainFiles = files.filter((f) => /^out\/main\/.+\.m?js$/.test(f));
    const imported = new Set<string>();
    for (const f of mainFiles) {
      const code = asar.read(f).toString('utf8');
      for (const m of code.matchAll(/(?:^|\n)\s*import\s[^'"]*?from\s*["']([^"'./][^"']*)["']|\bimport\(\s*["']([^"'./][^"']*)["']\s*\)|\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (spec.startsWith('node:') || spec === 'electron' || spec.startsWith('electron/')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    expect(imported.size).toBeGreaterThan(0); // zod at least
    for (const p of imported) expect(files, p).toContain(`node_modules/${p}/package.json`);
  });

  it('the renderer page carries the CSP meta tag and no inline script', () => {
    const html = asar.read('out/renderer/index.html').toString('utf8').replace(/&#39;/g, "'");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self';/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('the Electron binary has the hardened fuses flipped', () => {
    const exe = join(unpacked, 'tdx-cpuid-workbench');
    // Wire order: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, EmbeddedAsarIntegrity,
    // OnlyLoadAppFromAsar, BrowserV8Snapshot, GrantFileProtocolExtraPrivileges.
    expect(readFuseWire(exe)).toBe('01001100');
  });

  it('the unpacked app is the executable and resources/app.asar only (no loose app folder)', () => {
    expect(existsSync(join(unpacked, 'resources', 'app'))).toBe(false);
    expect(readdirSync(join(unpacked, 'resources'))).toEqual(['app.asar']);
  });
});

// The renderer as Electron shows it: the built files behind the app:// handler, with its CSP
// header. Served over http here (no Electron binary), through the same handler code.
describe('built renderer under the app CSP (Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      void handleAppRequest(new Request(`app://workbench${req.url ?? '/'}`, { method: req.method }), { root: builtRenderer, csp: appCsp() }).then(async (r) => {
        const headers: Record<string, string> = {};
        r.headers.forEach((value, name) => (headers[name] = value));
        res.writeHead(r.status, headers);
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('Vue starts and the app becomes ready with no CSP violation (no eval, no inline script or style)', async () => {
    const page = await browser.newPage();
    // Violations seen two ways: the page's securitypolicyviolation events (with the offending
    // source line), and Chromium's console reports (which also cover the worker).
    const violations: { text: string; url: string; line: number }[] = [];
    page.on('console', (m) => {
      const event = /^CSP-VIOLATION (\S+) (\S*) (\S*) (\d+)$/.exec(m.text());
      if (event) violations.push({ text: `${event[1]} ${event[2]}`, url: event[3], line: Number(event[4]) - 1 });
      else if (/Content Security Policy|Refused to/i.test(m.text())) violations.push({ text: m.text(), url: m.location().url, line: m.location().lineNumber });
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.info(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile} ${e.lineNumber}`));
    });
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => performance.getEntriesByName('app:ready').length > 0, undefined, { timeout: 60_000 });
    expect(await page.locator('#app > *').count()).toBeGreaterThan(0);
    // Nothing at all is refused: no eval (zod runs jitless, renderer/src/zod-config.ts), no
    // inline script or style, nothing loaded from elsewhere.
    const unexpected = violations.map((v) => `${v.text} (${v.url}:${v.line + 1})`);
    expect(unexpected).toEqual([]);
    violations.length = 0;
    // The policy is in force: an injected inline script does not run, and is reported.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injected?: boolean };
      const el = document.createElement('script');
      el.textContent = 'window.injected = true';
      document.head.append(el);
      await new Promise((r) => setTimeout(r, 100));
      return w.injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations.map((v) => v.text).join('\n')).toMatch(/inline script/i);
    await page.close();
  });
});
