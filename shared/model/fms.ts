// Family / model / stepping from CPUID.1:EAX (Intel SDM vol. 2A, CPUID "Version Information";
// AMD APM vol. 3, CPUID Fn0000_0001_EAX): the extended family is added only when the base
// family is 0xF; the extended model is prepended when the base family is 6 or 0xF.

export interface Fms {
  readonly family: number;
  readonly model: number;
  readonly stepping: number;
  /** 1.EAX as given (the "signature", e.g. 0x000806f8). */
  readonly signature: number;
}

export function decodeFms(eax: number): Fms {
  const stepping = eax & 0xf;
  const baseModel = (eax >>> 4) & 0xf;
  const baseFamily = (eax >>> 8) & 0xf;
  const extModel = (eax >>> 16) & 0xf;
  const extFamily = (eax >>> 20) & 0xff;
  const family = baseFamily === 0xf ? baseFamily + extFamily : baseFamily;
  const model = baseFamily === 0x6 || baseFamily === 0xf ? (extModel << 4) | baseModel : baseModel;
  return { family, model, stepping, signature: eax >>> 0 };
}

/** Inverse of decodeFms for the usual encodings (tests and synthetic inputs). */
export function encodeFms(family: number, model: number, stepping: number): number {
  const baseFamily = family >= 0xf ? 0xf : family;
  const extFamily = family >= 0xf ? family - 0xf : 0;
  const baseModel = model & 0xf;
  const extModel = baseFamily === 6 || baseFamily === 0xf ? (model >>> 4) & 0xf : 0;
  return ((extFamily << 20) | (extModel << 16) | (baseFamily << 8) | (baseModel << 4) | (stepping & 0xf)) >>> 0;
}
