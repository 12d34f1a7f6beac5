// Imported first by the worker entry: the time the worker's script began to run (epoch
// ms), reported with each analysis so a slow first start can be told apart from a slow
// analysis.
export const workerStartedAt = (typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now());
