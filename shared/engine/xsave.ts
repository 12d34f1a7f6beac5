// XSAVE area sizes from the host's CPUID leaf 0xD sub-leaves (Intel SDM vol. 1, 13.4 and
// vol. 2A CPUID leaf 0xD): component i has size 0xD.i.EAX and, in the standard format, offset
// 0xD.i.EBX; 0xD.i.ECX[1] asks for 64-byte alignment in the compacted format. The legacy area
// and header take 512 + 64 bytes. Used for 0xD.0.EBX/ECX (KVM, TDX module "calculate_xsave_area_max_size")
// and 0xD.1.EBX.

import type { HostView } from './host';

const LEGACY_AND_HEADER = 576;

function bitsOf64(m: bigint): number[] {
  const out: number[] = [];
  for (let i = 2; i < 64; i++) if ((m >> BigInt(i)) & 1n) out.push(i);
  return out;
}

/** Standard-format size for the components in `mask`; null when a size is unknown. */
export function xsaveSize(host: HostView, mask: bigint): number | null {
  let size = LEGACY_AND_HEADER;
  for (const i of bitsOf64(mask)) {
    const eax = host.reg(0xd, i, 'eax');
    const ebx = host.reg(0xd, i, 'ebx');
    if (eax.k !== 0xffffffff || ebx.k !== 0xffffffff) return null;
    size = Math.max(size, ebx.v + eax.v);
  }
  return size;
}

/** Compacted-format size for the components in `mask`; null when a size is unknown. */
export function xsaveCompactedSize(host: HostView, mask: bigint): number | null {
  let size = LEGACY_AND_HEADER;
  for (const i of bitsOf64(mask)) {
    const eax = host.reg(0xd, i, 'eax');
    const ecx = host.reg(0xd, i, 'ecx');
    if (eax.k !== 0xffffffff || (ecx.k & 2) === 0) return null;
    if (ecx.v & 2) size = (size + 63) & ~63;
    size += eax.v;
  }
  return size;
}

/** Host XSAVE-supported components: 0xD.0 EDX:EAX (XCR0 part) and 0xD.1 EDX:ECX (XSS part). */
export function hostXcr0Supported(host: HostView): bigint | null {
  const lo = host.reg(0xd, 0, 'eax');
  const hi = host.reg(0xd, 0, 'edx');
  if (lo.k !== 0xffffffff || hi.k !== 0xffffffff) return null;
  return (BigInt(hi.v) << 32n) | BigInt(lo.v);
}

export function hostXssSupported(host: HostView): bigint | null {
  const lo = host.reg(0xd, 1, 'ecx');
  const hi = host.reg(0xd, 1, 'edx');
  if (lo.k !== 0xffffffff || hi.k !== 0xffffffff) return null;
  return (BigInt(hi.v) << 32n) | BigInt(lo.v);
}
