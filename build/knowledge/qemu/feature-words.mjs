// QEMU's CPUID feature words and the `-cpu` property name of each bit, transcribed from
// feature_word_info[] in qemu/qemu target/i386/cpu.c at commit
// 0048035a870312f2fd0f3dd28115398d26e419bb (the commit qemu-tdx-tables.json names for its bit
// names). Facts only (bit positions and names). `null` = QEMU has no name for the bit, so
// `-cpu host` (migratable by default) never enables it.
// Only CPUID words are listed (MSR words such as FEAT_ARCH_CAPABILITIES are not CPUID bits).

const N = null;

export const QEMU_FEATURE_WORDS_COMMIT = '0048035a870312f2fd0f3dd28115398d26e419bb';

export const QEMU_FEATURE_WORDS = [
  { name: 'FEAT_1_EDX', leaf: 0x1, subleaf: null, reg: 'edx', noAutoenable: 1 << 28, names: [
    'fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', N, 'sep', 'mtrr', 'pge', 'mca', 'cmov',
    'pat', 'pse36', 'pn', 'clflush', N, 'ds', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe'] },
  { name: 'FEAT_1_ECX', leaf: 0x1, subleaf: null, reg: 'ecx', names: [
    'pni', 'pclmulqdq', 'dtes64', 'monitor', 'ds-cpl', 'vmx', 'smx', 'est', 'tm2', 'ssse3', 'cid', N, 'fma', 'cx16', 'xtpr', 'pdcm',
    N, 'pcid', 'dca', 'sse4.1', 'sse4.2', 'x2apic', 'movbe', 'popcnt', 'tsc-deadline', 'aes', 'xsave', N, 'avx', 'f16c', 'rdrand', 'hypervisor'] },
  { name: 'FEAT_8000_0001_EDX', leaf: 0x80000001, subleaf: null, reg: 'edx', names: [
    N, N, N, N, N, N, N, N, N, N, N, 'syscall', N, N, N, N,
    N, N, N, N, 'nx', N, 'mmxext', N, N, 'fxsr-opt', 'pdpe1gb', 'rdtscp', N, 'lm', '3dnowext', '3dnow'] },
  { name: 'FEAT_8000_0001_ECX', leaf: 0x80000001, subleaf: null, reg: 'ecx', noAutoenable: 1 << 22, names: [
    'lahf-lm', 'cmp-legacy', 'svm', 'extapic', 'cr8legacy', 'abm', 'sse4a', 'misalignsse', '3dnowprefetch', 'osvw', 'ibs', 'xop', 'skinit', 'wdt', N, 'lwp',
    'fma4', 'tce', N, 'nodeid-msr', N, 'tbm', 'topoext', 'perfctr-core', 'perfctr-nb', N, N, N, N, N, N, N] },
  { name: 'FEAT_C000_0001_EDX', leaf: 0xc0000001, subleaf: null, reg: 'edx', names: [
    N, N, 'xstore', 'xstore-en', N, N, 'xcrypt', 'xcrypt-en', 'ace2', 'ace2-en', 'phe', 'phe-en', 'pmm', 'pmm-en', N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N] },
  { name: 'FEAT_KVM', leaf: 0x40000001, subleaf: null, reg: 'eax', names: [
    'kvmclock', 'kvm-nopiodelay', 'kvm-mmu', 'kvmclock', 'kvm-asyncpf', 'kvm-steal-time', 'kvm-pv-eoi', 'kvm-pv-unhalt',
    N, 'kvm-pv-tlb-flush', 'kvm-asyncpf-vmexit', 'kvm-pv-ipi', 'kvm-poll-control', 'kvm-pv-sched-yield', 'kvm-asyncpf-int', 'kvm-msi-ext-dest-id',
    N, N, N, N, N, N, N, N, 'kvmclock-stable-bit', N, N, N, N, N, N, N] },
  { name: 'FEAT_KVM_HINTS', leaf: 0x40000001, subleaf: null, reg: 'edx', noAutoenable: 0xffffffff, names: [
    'kvm-hint-dedicated', N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N] },
  { name: 'FEAT_SVM', leaf: 0x8000000a, subleaf: null, reg: 'edx', names: [
    'npt', 'lbrv', 'svm-lock', 'nrip-save', 'tsc-scale', 'vmcb-clean', 'flushbyasid', 'decodeassists', N, N, 'pause-filter', N, 'pfthreshold', 'avic', N, 'v-vmsave-vmload',
    'vgif', N, N, N, N, N, N, N, N, 'vnmi', N, N, 'svme-addr-chk', N, N, N] },
  { name: 'FEAT_7_0_EBX', leaf: 0x7, subleaf: 0, reg: 'ebx', names: [
    'fsgsbase', 'tsc-adjust', 'sgx', 'bmi1', 'hle', 'avx2', 'fdp-excptn-only', 'smep', 'bmi2', 'erms', 'invpcid', 'rtm', N, 'zero-fcs-fds', 'mpx', N,
    'avx512f', 'avx512dq', 'rdseed', 'adx', 'smap', 'avx512ifma', 'pcommit', 'clflushopt', 'clwb', 'intel-pt', 'avx512pf', 'avx512er', 'avx512cd', 'sha-ni', 'avx512bw', 'avx512vl'] },
  { name: 'FEAT_7_0_ECX', leaf: 0x7, subleaf: 0, reg: 'ecx', names: [
    N, 'avx512vbmi', 'umip', 'pku', N, 'waitpkg', 'avx512vbmi2', N, 'gfni', 'vaes', 'vpclmulqdq', 'avx512vnni', 'avx512bitalg', N, 'avx512-vpopcntdq', N,
    'la57', N, N, N, N, N, 'rdpid', N, 'bus-lock-detect', 'cldemote', N, 'movdiri', 'movdir64b', N, 'sgxlc', 'pks'] },
  { name: 'FEAT_7_0_EDX', leaf: 0x7, subleaf: 0, reg: 'edx', names: [
    N, N, 'avx512-4vnniw', 'avx512-4fmaps', 'fsrm', N, N, N, 'avx512-vp2intersect', N, 'md-clear', N, N, N, 'serialize', N,
    'tsx-ldtrk', N, N, 'arch-lbr', N, N, 'amx-bf16', 'avx512-fp16', 'amx-tile', 'amx-int8', 'spec-ctrl', 'stibp', 'flush-l1d', 'arch-capabilities', 'core-capability', 'ssbd'] },
  { name: 'FEAT_7_1_EAX', leaf: 0x7, subleaf: 1, reg: 'eax', names: [
    'sha512', 'sm3', 'sm4', N, 'avx-vnni', 'avx512-bf16', N, 'cmpccxadd', N, N, 'fzrm', 'fsrs', 'fsrc', N, N, N,
    N, 'fred', 'lkgs', 'wrmsrns', N, 'amx-fp16', N, 'avx-ifma', N, N, 'lam', N, N, N, N, N] },
  { name: 'FEAT_7_1_EDX', leaf: 0x7, subleaf: 1, reg: 'edx', names: [
    N, N, N, N, 'avx-vnni-int8', 'avx-ne-convert', N, N, 'amx-complex', N, 'avx-vnni-int16', N, N, N, 'prefetchiti', N,
    N, N, N, 'avx10', N, N, N, N, N, N, N, N, N, N, N, N] },
  { name: 'FEAT_7_2_EDX', leaf: 0x7, subleaf: 2, reg: 'edx', names: [
    'intel-psfd', 'ipred-ctrl', 'rrsba-ctrl', 'ddpd-u', 'bhi-ctrl', 'mcdt-no', N, N, N, N, N, N, N, N, N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N] },
  { name: 'FEAT_24_0_EBX', leaf: 0x24, subleaf: 0, reg: 'ebx', names: { 16: 'avx10-128', 17: 'avx10-256', 18: 'avx10-512' } },
  { name: 'FEAT_8000_0007_EDX', leaf: 0x80000007, subleaf: null, reg: 'edx', unmigratable: 1 << 8, names: { 8: 'invtsc' } },
  { name: 'FEAT_8000_0007_EBX', leaf: 0x80000007, subleaf: null, reg: 'ebx', names: { 0: 'overflow-recov', 1: 'succor' } },
  { name: 'FEAT_8000_0008_EBX', leaf: 0x80000008, subleaf: null, reg: 'ebx', names: {
    0: 'clzero', 2: 'xsaveerptr', 9: 'wbnoinvd', 12: 'ibpb', 14: 'ibrs', 15: 'amd-stibp', 17: 'stibp-always-on',
    24: 'amd-ssbd', 25: 'virt-ssbd', 26: 'amd-no-ssb', 28: 'amd-psfd' } },
  { name: 'FEAT_8000_0021_EAX', leaf: 0x80000021, subleaf: null, reg: 'eax', names: {
    0: 'no-nested-data-bp', 2: 'lfence-always-serializing', 6: 'null-sel-clr-base', 8: 'auto-ibrs', 24: 'eraps', 27: 'sbpb',
    28: 'ibpb-brtype', 29: 'srso-no', 30: 'srso-user-kernel-no' } },
  { name: 'FEAT_8000_0021_EBX', leaf: 0x80000021, subleaf: null, reg: 'ebx', names: {} },
  { name: 'FEAT_8000_0022_EAX', leaf: 0x80000022, subleaf: null, reg: 'eax', names: { 0: 'perfmon-v2' } },
  { name: 'FEAT_XSAVE', leaf: 0xd, subleaf: 1, reg: 'eax', names: { 0: 'xsaveopt', 1: 'xsavec', 2: 'xgetbv1', 3: 'xsaves', 4: 'xfd' } },
  { name: 'FEAT_XSAVE_XSS_LO', leaf: 0xd, subleaf: 1, reg: 'ecx', names: {} },
  { name: 'FEAT_XSAVE_XSS_HI', leaf: 0xd, subleaf: 1, reg: 'edx', names: {} },
  { name: 'FEAT_6_EAX', leaf: 0x6, subleaf: null, reg: 'eax', names: { 2: 'arat' } },
  // XCR0 words have no names but are migratable by their migratable_flags
  // (FP|SSE|YMM|BNDREGS|BNDCSR|OPMASK|ZMM_Hi256|Hi16_ZMM|PKRU).
  { name: 'FEAT_XSAVE_XCR0_LO', leaf: 0xd, subleaf: 0, reg: 'eax', names: {}, migratable: 0x2ff },
  { name: 'FEAT_XSAVE_XCR0_HI', leaf: 0xd, subleaf: 0, reg: 'edx', names: {} },
  { name: 'FEAT_14_0_ECX', leaf: 0x14, subleaf: 0, reg: 'ecx', names: { 31: 'intel-pt-lip' } },
  { name: 'FEAT_SGX_12_0_EAX', leaf: 0x12, subleaf: 0, reg: 'eax', names: { 0: 'sgx1', 1: 'sgx2', 11: 'sgx-edeccssa' } },
  { name: 'FEAT_SGX_12_0_EBX', leaf: 0x12, subleaf: 0, reg: 'ebx', names: { 0: 'sgx-exinfo' } },
  { name: 'FEAT_SGX_12_1_EAX', leaf: 0x12, subleaf: 1, reg: 'eax', names: { 1: 'sgx-debug', 2: 'sgx-mode64', 4: 'sgx-provisionkey', 5: 'sgx-tokenkey', 7: 'sgx-kss', 10: 'sgx-aex-notify' } },
];
