// The one Vite build-time feature the main process uses (electron-vite bundles it with
// Vite): import.meta.glob, for the demo bug report's files (open/demo.ts).
interface ImportMeta {
  glob<T>(patterns: string | string[], options: { query?: string; import?: string; eager?: false }): Record<string, () => Promise<T>>;
}
