// The analysis itself, independent of where it runs (worker or this thread).

import type { OperationName, Operations } from './protocol';
import type { Progress } from './types';

export interface Analyst {
  perform<K extends OperationName>(
    op: K,
    request: Operations[K]['request'],
    progress: (p: Progress) => void,
  ): Promise<Operations[K]['result']> | Operations[K]['result'];
}
