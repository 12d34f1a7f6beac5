"""Tests of tdx-capture.py: uAPI struct layouts and ioctl numbers, and the capture logic
against a fake /dev/cpu tree and a fake KVM ioctl layer (no TDX host is available here).
Run by vitest (tools/capture/capture.test.ts) or: python3 -m unittest discover -s tools/capture
"""

import ctypes
import errno
import importlib.util
import io
import json
import os
import re
import tarfile
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
spec = importlib.util.spec_from_file_location("tdx_capture", os.path.join(HERE, "tdx-capture.py"))
cap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cap)

# A real Sapphire Rapids host (libvirt test data, LGPL-2.1+), as the fake CPUs' CPUID.
HOST_XML = os.path.join(ROOT, "test", "fixtures", "corpus", "libvirt_cputestdata", "x86_64-cpuid-Xeon-Bronze-3408U.xml")


def load_table():
    table = {}
    for e in ET.parse(HOST_XML).getroot().iter("cpuid"):
        key = (int(e.get("eax_in"), 16), int(e.get("ecx_in"), 16))
        table[key] = tuple(int(e.get(r), 16) for r in ("eax", "ebx", "ecx", "edx"))
    return table


class FakeIo(cap.SystemIo):
    """A fake machine: CPUID from a table per CPU, /dev/kvm answering the TDX ioctls."""

    KVM_FD, VM_FD = 1000, 1001

    def __init__(self, cpu_root, table, kvm=True, tdx=True, sysfs=None, commands=None):
        self.cpu_root = cpu_root
        self.table = table
        self.kvm = kvm
        self.tdx = tdx
        self.sysfs = sysfs or {}
        self.commands = commands or {}
        self.fds = {}
        self.calls = []
        self.supported = [(0, 0, 0, table[(0, 0)]), (1, 0, 0, table[(1, 0)]), (7, 0, 1, table[(7, 0)]), (7, 1, 1, table[(7, 1)])]
        self.configs = [(1, 0, 0, (0x0FFF3FFF, 0xFF00, 0x31044D88, 0xB8400000)), (7, 0, 1, (0, 0xDC2B9B18, 0x02417F46, 0x1F54C010)),
                        (0xD, 0, 1, (0x602E7, 0, 0, 0)), (0xD, 1, 1, (0, 0, 0x1800, 0)), (0x80000008, 0, 0, (0x00FF3FFF, 0, 0, 0)),
                        (7, 1, 1, (0x1C30, 0, 0, 0)), (0x1C, 0, 0, (0, 0, 0, 0)), (0x1D, 0, 1, (1, 0, 0, 0)), (0x1E, 0, 1, (0, 0x4010, 0, 0))]

    def open(self, path, flags):
        if path.startswith(self.cpu_root):
            fd = os.open(path, os.O_RDONLY)  # the fake tree's (empty) file: open must really succeed
            self.fds[fd] = int(path[len(self.cpu_root) + 1:].split("/")[0])
            return fd
        if path == "/dev/kvm":
            if not self.kvm:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory")
            return self.KVM_FD
        raise FileNotFoundError(errno.ENOENT, path)

    def close(self, fd):
        if fd in self.fds:
            del self.fds[fd]
            os.close(fd)

    def pread(self, fd, size, offset):
        assert size == 16 and fd in self.fds
        leaf, sub = offset & 0xFFFFFFFF, offset >> 32
        regs = self.table.get((leaf, sub)) or self.table.get((leaf, 0)) or (0, 0, 0, 0)
        if leaf == 1:  # per-CPU initial APIC ID in EBX[31:24]
            regs = (regs[0], (regs[1] & 0x00FFFFFF) | (self.fds[fd] << 24), regs[2], regs[3])
        return b"".join(r.to_bytes(4, "little") for r in regs)

    @staticmethod
    def _fill(addr, entries):
        head = cap.KvmCpuid2.from_address(addr)
        if head.nent < len(entries):
            head.nent = len(entries)
            raise OSError(errno.E2BIG, "Argument list too long")
        head.nent = len(entries)
        for i, (fn, idx, flags, regs) in enumerate(entries):
            e = cap.KvmCpuidEntry2.from_address(addr + ctypes.sizeof(cap.KvmCpuid2) + i * ctypes.sizeof(cap.KvmCpuidEntry2))
            e.function, e.index, e.flags = fn, idx, flags
            e.eax, e.ebx, e.ecx, e.edx = regs

    def ioctl(self, fd, request, arg):
        self.calls.append((fd, request))
        if fd == self.KVM_FD and request == cap.KVM_GET_SUPPORTED_CPUID:
            self._fill(ctypes.addressof(arg), self.supported)
            return 0
        if fd == self.KVM_FD and request == cap.KVM_CREATE_VM:
            if arg != cap.KVM_X86_TDX_VM or not self.tdx:
                raise OSError(errno.EINVAL, "Invalid argument")
            return self.VM_FD
        if fd == self.VM_FD and request == cap.KVM_MEMORY_ENCRYPT_OP:
            assert isinstance(arg, cap.KvmTdxCmd) and arg.id == cap.KVM_TDX_CAPABILITIES and arg.flags == 0
            caps = cap.KvmTdxCapabilitiesHeader.from_address(arg.data)
            caps.supported_attrs, caps.supported_xfam, caps.user_tdvmcallinfo_1_r12 = 0x10000000, 0x61AE7, 0x2
            self._fill(arg.data + ctypes.sizeof(cap.KvmTdxCapabilitiesHeader), self.configs)
            return 0
        raise OSError(errno.ENOTTY, "Inappropriate ioctl for device")

    def read_text(self, path):
        if path in self.sysfs:
            return self.sysfs[path]
        raise FileNotFoundError(errno.ENOENT, path)

    def run(self, argv):
        return self.commands.get(argv[0])


class UapiLayout(unittest.TestCase):
    """Sizes and offsets of arch/x86/include/uapi/asm/kvm.h (Linux 6.16)."""

    def test_kvm_cpuid_entry2(self):
        E = cap.KvmCpuidEntry2
        self.assertEqual(ctypes.sizeof(E), 40)
        self.assertEqual([getattr(E, f).offset for f in ("function", "index", "flags", "eax", "ebx", "ecx", "edx", "padding")],
                         [0, 4, 8, 12, 16, 20, 24, 28])

    def test_kvm_cpuid2_header(self):
        self.assertEqual(ctypes.sizeof(cap.KvmCpuid2), 8)
        self.assertEqual((cap.KvmCpuid2.nent.offset, cap.KvmCpuid2.padding.offset), (0, 4))

    def test_kvm_tdx_cmd(self):
        C = cap.KvmTdxCmd
        self.assertEqual(ctypes.sizeof(C), 24)
        self.assertEqual([getattr(C, f).offset for f in ("id", "flags", "data", "hw_error")], [0, 4, 8, 16])

    def test_kvm_tdx_capabilities(self):
        H = cap.KvmTdxCapabilitiesHeader
        names = ["supported_attrs", "supported_xfam", "kernel_tdvmcallinfo_1_r11", "user_tdvmcallinfo_1_r11",
                 "kernel_tdvmcallinfo_1_r12", "user_tdvmcallinfo_1_r12", "reserved"]
        self.assertEqual([getattr(H, f).offset for f in names], [0, 8, 16, 24, 32, 40, 48])
        # 6 x u64 + reserved[250] = 256 x u64; struct kvm_cpuid2 cpuid follows at 2048.
        self.assertEqual(ctypes.sizeof(H), 256 * 8)

    def test_ioctl_numbers(self):
        self.assertEqual(cap.KVM_GET_API_VERSION, 0xAE00)
        self.assertEqual(cap.KVM_CREATE_VM, 0xAE01)
        self.assertEqual(cap.KVM_GET_SUPPORTED_CPUID, 0xC008AE05)  # _IOWR(KVMIO, 0x05, struct kvm_cpuid2)
        self.assertEqual(cap.KVM_MEMORY_ENCRYPT_OP, 0xC008AEBA)  # _IOWR(KVMIO, 0xba, unsigned long)
        self.assertEqual(cap.KVM_X86_TDX_VM, 5)


class CaptureLogic(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.cpu_root = os.path.join(self.tmp.name, "dev-cpu")
        for n in range(4):
            os.makedirs(os.path.join(self.cpu_root, str(n)))
            open(os.path.join(self.cpu_root, str(n), "cpuid"), "wb").close()
        self.table = load_table()

    def tearDown(self):
        self.tmp.cleanup()

    def test_host_cpuid_every_cpu_with_subleaves(self):
        io_ = FakeIo(self.cpu_root, self.table)
        text, how = cap.host_cpuid(io_, self.cpu_root)
        self.assertEqual(how, "/dev/cpu/N/cpuid")
        self.assertEqual(re.findall(r"^CPU (\d+):$", text, re.M), ["0", "1", "2", "3"])
        cpu0 = text.split("CPU 1:")[0]
        self.assertIn("   0x00000000 0x00: eax=0x00000020 ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69", cpu0)
        self.assertIn("   0x00000007 0x02: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000017", cpu0)
        self.assertIn("   0x80000008 0x00:", cpu0)
        self.assertIn("eax=0x000806f7 ebx=0x03800800", text.split("CPU 3:")[1])  # APIC ID 3
        self.assertEqual(len(re.findall(r"^   0x00000004 ", cpu0, re.M)), 5)  # cache levels until type 0
        self.assertEqual(io_.fds, {})  # every fd closed

    def test_falls_back_to_cpuid_tool(self):
        io_ = FakeIo(os.path.join(self.tmp.name, "none"), self.table, commands={"cpuid": "CPU 0:\n   0x00000000 0x00: eax=0x1 ebx=0x0 ecx=0x0 edx=0x0\n"})
        text, how = cap.host_cpuid(io_, os.path.join(self.tmp.name, "none"))
        self.assertEqual(how, "cpuid -r")
        self.assertTrue(text.startswith("CPU 0:"))

    def test_kvm_and_tdx_capabilities_through_the_ioctls(self):
        io_ = FakeIo(self.cpu_root, self.table)
        notes = []
        out = cap.capture_kvm(io_, notes)
        self.assertEqual(notes, [])
        self.assertEqual(len(out["kvm_supported_cpuid"]), 4)
        self.assertEqual(out["kvm_supported_cpuid"][3]["index"], 1)
        caps = out["tdx_capabilities"]
        self.assertEqual((caps["supported_attrs"], caps["supported_xfam"], caps["user_tdvmcallinfo_1_r12"]), ("0x10000000", "0x61ae7", "0x2"))
        # 9 configurable entries: the first try with 8 got E2BIG and was retried with 16.
        self.assertEqual(caps["cpuid"]["nent"], 9)
        self.assertEqual(caps["cpuid"]["entries"][4]["function"], "0x80000008")
        self.assertEqual([r for _, r in io_.calls].count(cap.KVM_MEMORY_ENCRYPT_OP), 2)

    def test_missing_kvm_and_tdx_become_notes(self):
        notes = []
        self.assertEqual(cap.capture_kvm(FakeIo(self.cpu_root, self.table, kvm=False), notes), {})
        self.assertRegex(notes[0], r"^/dev/kvm: No such file")
        notes = []
        out = cap.capture_kvm(FakeIo(self.cpu_root, self.table, tdx=False), notes)
        self.assertIn("kvm_supported_cpuid", out)
        self.assertRegex(notes[0], r"^KVM_TDX_CAPABILITIES: Invalid argument")

    def test_module_version_from_either_sysfs(self):
        new = FakeIo(self.cpu_root, self.table, sysfs={cap.SYSFS_NEW: "1.5.06\n"})
        self.assertEqual(cap.tdx_module_sysfs(new), {"version": "1.5.06", "source": cap.SYSFS_NEW})
        old = FakeIo(self.cpu_root, self.table, sysfs={cap.SYSFS_OLD + "/major_version": "0x00000001", cap.SYSFS_OLD + "/minor_version": "0x00000005",
                                                      cap.SYSFS_OLD + "/build_num": "0x000002ba", cap.SYSFS_OLD + "/build_date": "0x134d6f9"})
        self.assertEqual(cap.tdx_module_sysfs(old), {"version": "1.5", "source": cap.SYSFS_OLD, "build_num": 698, "build_date": "20240121"})

    def test_bundle(self):
        dmesg = ("[    0.000000] Linux version 6.16.0 (root@b) #1 SMP\n[    0.1] ACPI: nothing here\n"
                 "[   15.9] virt/tdx: Module version: 1.5.06\n[   16.0] virt/tdx: module initialized\n[   16.1] kvm_intel: TDX is supported.\n")
        io_ = FakeIo(self.cpu_root, self.table, sysfs={cap.SYSFS_NEW: "1.5.06\n"}, commands={"dmesg": dmesg})
        qlog = os.path.join(self.tmp.name, "td.log")
        with open(qlog, "w") as f:
            f.write("qemu-system-x86_64: warning: TDX forcibly sets the feature: CPUID[eax=80000007h].EDX.invtsc [bit 8]\n")
        out = os.environ.get("TDX_CAPTURE_BUNDLE_OUT") or os.path.join(self.tmp.name, "report.tar.gz")
        rc = cap.main(["-o", out, "--dev-cpu", self.cpu_root, "--qemu-log", qlog, "--qemu-cmdline",
                       "qemu-system-x86_64 -accel kvm -cpu host,-invtsc,check -object tdx-guest,id=tdx0 -machine q35,confidential-guest-support=tdx0"], io_)
        self.assertEqual(rc, 0)
        with tarfile.open(out, "r:gz") as tar:
            names = tar.getnames()
            self.assertTrue(all(re.match(r"^tdx-capture-[^/]+/(host-cpuid\.txt|kvm\.json|dmesg-tdx\.txt|qemu\.log|qemu-cmdline\.txt)$", n) for n in names), names)
            self.assertEqual(len(names), 5)
            kvm = json.load(tar.extractfile([n for n in names if n.endswith("kvm.json")][0]))
            log = tar.extractfile([n for n in names if n.endswith("dmesg-tdx.txt")][0]).read().decode()
        self.assertEqual(kvm["schema"], "tdx-cpuid/kvm/v1")
        self.assertEqual(kvm["tdx_module"]["version"], "1.5.06")
        self.assertEqual(kvm["tdx_capabilities"]["abi"], "6.16")
        self.assertNotIn("notes", kvm)
        self.assertNotIn("ACPI", log)  # only the banner and TDX lines are kept
        self.assertIn("virt/tdx: Module version: 1.5.06", log)


if __name__ == "__main__":
    unittest.main()
