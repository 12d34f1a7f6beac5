// Messages between the UI thread and the analysis worker.

import type {
  AnalyseRequest,
  AnalysisResult,
  BaselineRequest,
  BaselineResult,
  Catalog,
  CompareRequest,
  CompareResult,
  Progress,
  ReportRequest,
} from './types';

export interface Operations {
  catalog: { request: null; result: Catalog };
  analyse: { request: AnalyseRequest; result: AnalysisResult };
  compare: { request: CompareRequest; result: CompareResult };
  baseline: { request: BaselineRequest; result: BaselineResult };
  report: { request: ReportRequest; result: string };
}

export type OperationName = keyof Operations;

export interface WorkerRequest<K extends OperationName = OperationName> {
  readonly id: number;
  readonly op: K;
  readonly request: Operations[K]['request'];
}

export type WorkerReply =
  | { readonly id: number; readonly type: 'progress'; readonly progress: Progress }
  | { readonly id: number; readonly type: 'done'; readonly value: unknown }
  | { readonly id: number; readonly type: 'error'; readonly message: string }
  /** A newer request of the same operation arrived before this one started. */
  | { readonly id: number; readonly type: 'superseded' };
