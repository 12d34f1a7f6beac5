// TDX SEAMCALL status decoding (tdx-cpuid-model.md 6): the statuses real reports show,
// decoded field by field as the module's api_error_code_t lays them out.
import { describe, expect, it } from 'vitest';
import { decodeTdxStatus, hexStatus, leafFromRcx, tdxOperandName } from './tdx-errors';

describe('decodeTdxStatus', () => {
  it('0xC000010000000045 is TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG, with the leaf from RCX', () => {
    // intel/confidential-computing.tdx.tdx-module#24: "TDH.MNG.INIT failed with status: 0xc000010000000045".
    const d = decodeTdxStatus(0xc000010000000045n, 0x7n);
    expect(d).toMatchObject({
      hex: '0xC000010000000045',
      name: 'TDX_OPERAND_INVALID',
      error: true,
      nonRecoverable: true,
      fatal: false,
      classCode: 0x01,
      detailsL1: 0x00,
      detailsL2: 0x45,
      operand: { id: 69, name: 'CPUID_CONFIG' },
      cpuidConfig: true,
      leaf: { leaf: 7, subleaf: 0 },
    });
    expect(d.text).toMatch(/^TDX_OPERAND_INVALID, operand 0x45 CPUID_CONFIG \[non-recoverable\]: TDH\.MNG\.INIT rejected the CPUID configuration of leaf 7\.0/);
  });

  it('RCX carries the sub-leaf in bits 63:32; 0xFFFFFFFF means none', () => {
    expect(leafFromRcx(0x0000000100000007n)).toEqual({ leaf: 7, subleaf: 1 });
    expect(leafFromRcx(0xffffffff80000008n)).toEqual({ leaf: 0x80000008, subleaf: null });
    expect(decodeTdxStatus(0xc000010000000045n).leaf).toBeNull();
  });

  it('other operands of TDX_OPERAND_INVALID are named but are not CPUID_CONFIG', () => {
    expect(decodeTdxStatus(0xc000010000000040n)).toMatchObject({ operand: { id: 64, name: 'ATTRIBUTES' }, cpuidConfig: false });
    expect(decodeTdxStatus(0xc000010000000041n).operand?.name).toBe('XFAM');
    expect(decodeTdxStatus(0xc000010000000046n).operand?.name).toBe('TSC_FREQUENCY');
    // The dmesg fixture's TDH.SYS.RD failure: operand 0x11 has no name in the module's list.
    const d = decodeTdxStatus(0xc000010000000011n);
    expect(d.operand).toEqual({ id: 0x11, name: null });
    expect(d.text).toMatch(/^TDX_OPERAND_INVALID, operand 0x11/);
  });

  it('CPUID statuses of module initialization', () => {
    expect(decodeTdxStatus(0xc000090000000000n)).toMatchObject({ name: 'TDX_INCORRECT_CPUID_VALUE', classCode: 0x09, operand: null });
    expect(decodeTdxStatus(0xc000090000000000n).text).toMatch(/verify_mask\/verify_value/);
    expect(decodeTdxStatus(0xc000090200000000n).name).toBe('TDX_INCONSISTENT_CPUID_FIELD');
    // canonical/tdx#331: "SEAMCALL (0x22) failed: 0xc000050500000000".
    expect(decodeTdxStatus(0xc000050500000000n)).toMatchObject({ name: 'TDX_SYS_NOT_READY', classCode: 0x05, detailsL1: 0x05 });
  });

  it('busy and recoverable statuses, and the Linux software codes', () => {
    const busy = decodeTdxStatus(0x8000020000000080n);
    expect(busy).toMatchObject({ name: 'TDX_OPERAND_BUSY', error: true, nonRecoverable: false, operand: { id: 0x80, name: 'TDR' } });
    expect(decodeTdxStatus(0x8000ff00ffff0000n)).toMatchObject({ name: 'TDX_SEAMCALL_VMFAILINVALID', operand: null });
    expect(decodeTdxStatus(0x8000ff00ffff0000n).text).toMatch(/no TDX module is loaded/);
    expect(decodeTdxStatus(0x8000ff000000000dn).name).toBe('TDX_SEAMCALL_GP');
    expect(decodeTdxStatus(0xe000060400000000n)).toMatchObject({ name: 'TDX_TD_FATAL', fatal: true, nonRecoverable: true });
    expect(decodeTdxStatus(0n)).toMatchObject({ name: 'TDX_SUCCESS', error: false });
  });

  it('an unknown status is shown by class and details, never thrown', () => {
    const d = decodeTdxStatus(0xc0007f0300000000n);
    expect(d.name).toBeNull();
    expect(d.text).toMatch(/^unknown status \(class 0x7f, details 0x3\)/);
    expect(decodeTdxStatus(-1n).hex).toBe('0xFFFFFFFFFFFFFFFF');
    expect(hexStatus(0x45n)).toBe('0x0000000000000045');
    expect(tdxOperandName(69)).toBe('CPUID_CONFIG');
  });
});
