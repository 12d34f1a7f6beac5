// Named decoding of CPUID dumps (features, fields, heterogeneity) for `tdx-cpuid decode`,
// the app's decode view and the reports.

export type { CpuDecode, DecodedFeature, DecodedField, DecodedLeaf, HeterogeneousField, Signatures } from './types';
export { decodeTable } from './decode-table';
export { fastRegisterDifferences, heterogeneousFields } from './heterogeneity';
export type { HeterogeneityOptions } from './heterogeneity';
export { DECODE_SCHEMA, decodeReport, findCpu, signaturesOf } from './report';
export type { DecodeCpu, DecodeOptions, DecodeReport, DecodeSource } from './report';
export { renderDecodeText } from './text';
export type { TextOptions } from './text';
export { decodeReportJson, writeDecodeReportJson } from './json';
export type { JsonSink } from './json';
