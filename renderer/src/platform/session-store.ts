// Where the browser bridge keeps the autosaved session: IndexedDB (no practical size
// limit; a session embeds its inputs, several MB with large dumps), or an in-memory map
// when IndexedDB is unavailable (some test environments).

export interface SessionStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

const DB_NAME = 'tdx-cpuid-workbench';
const STORE = 'session';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = factory.open(DB_NAME, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('cannot open IndexedDB'));
  });
}

export function indexedDbSessionStore(factory: IDBFactory): SessionStore {
  let db: Promise<IDBDatabase> | null = null;
  const store = async (mode: IDBTransactionMode): Promise<IDBObjectStore> => {
    db ??= openDb(factory);
    return (await db).transaction(STORE, mode).objectStore(STORE);
  };
  return {
    async get(key) {
      const v: unknown = await request((await store('readonly')).get(key));
      return typeof v === 'string' ? v : null;
    },
    async set(key, value) {
      await request((await store('readwrite')).put(value, key));
    },
    async delete(key) {
      await request((await store('readwrite')).delete(key));
    },
  };
}

export function memorySessionStore(): SessionStore {
  const map = new Map<string, string>();
  return {
    get: async (key) => map.get(key) ?? null,
    set: async (key, value) => void map.set(key, value),
    delete: async (key) => void map.delete(key),
  };
}

export function defaultSessionStore(): SessionStore {
  return typeof indexedDB !== 'undefined' ? indexedDbSessionStore(indexedDB) : memorySessionStore();
}
