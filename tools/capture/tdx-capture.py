#!/usr/bin/env python3
"""Capture what the TDX CPUID Workbench needs from a TDX host, into one bundle (.tar.gz).

Writes, under one folder in the archive:
  host-cpuid.txt   host CPUID of every CPU, `cpuid -r` style (from /dev/cpu/N/cpuid, else `cpuid -r`)
  kvm.json         KVM_GET_SUPPORTED_CPUID, KVM_TDX_CAPABILITIES, the TDX module version from
                   sysfs, the kernel release, in the workbench's schema tdx-cpuid/kvm/v1
                   (docs/kvm-json.md); what could not be read is listed in "notes"
  dmesg-tdx.txt    the kernel banner and the TDX / SEAMCALL / kvm_intel lines of the kernel log
  qemu.log, qemu-cmdline.txt   with --qemu-log / --qemu-cmdline

Python 3 standard library only. Run as root on the host (reading /dev/cpu/N/cpuid needs
`modprobe cpuid`; KVM_TDX_CAPABILITIES needs kvm_intel loaded with tdx=1):

    sudo python3 tools/capture/tdx-capture.py -o report.tar.gz \\
        --qemu-log /var/log/libvirt/qemu/td1.log --qemu-cmdline @cmdline.txt

ioctl structures follow the Linux 6.16 uAPI (arch/x86/include/uapi/asm/kvm.h): struct
kvm_cpuid_entry2, kvm_cpuid2, kvm_tdx_cmd and kvm_tdx_capabilities; TDX commands go through
KVM_MEMORY_ENCRYPT_OP on a VM created with type KVM_X86_TDX_VM (5).
"""

import argparse
import ctypes
import datetime
import errno
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile

TOOL = "tdx-capture.py 1"
SCHEMA = "tdx-cpuid/kvm/v1"

# --- ioctl numbers (include/uapi/asm-generic/ioctl.h) ----------------------------------
_IOC_NRBITS, _IOC_TYPEBITS, _IOC_SIZEBITS = 8, 8, 14
_IOC_NRSHIFT = 0
_IOC_TYPESHIFT = _IOC_NRSHIFT + _IOC_NRBITS
_IOC_SIZESHIFT = _IOC_TYPESHIFT + _IOC_TYPEBITS
_IOC_DIRSHIFT = _IOC_SIZESHIFT + _IOC_SIZEBITS
_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2


def _IOC(direction, typ, nr, size):
    return (direction << _IOC_DIRSHIFT) | (typ << _IOC_TYPESHIFT) | (nr << _IOC_NRSHIFT) | (size << _IOC_SIZESHIFT)


def _IO(typ, nr):
    return _IOC(_IOC_NONE, typ, nr, 0)


def _IOWR(typ, nr, size):
    return _IOC(_IOC_READ | _IOC_WRITE, typ, nr, size)


# --- uAPI structures ---------------------------------------------------------------------
class KvmCpuidEntry2(ctypes.Structure):
    """struct kvm_cpuid_entry2: 7 x __u32 + padding[3] = 40 bytes."""

    _fields_ = [
        ("function", ctypes.c_uint32),
        ("index", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("eax", ctypes.c_uint32),
        ("ebx", ctypes.c_uint32),
        ("ecx", ctypes.c_uint32),
        ("edx", ctypes.c_uint32),
        ("padding", ctypes.c_uint32 * 3),
    ]


class KvmCpuid2(ctypes.Structure):
    """struct kvm_cpuid2 header: __u32 nent, __u32 padding, then entries[] (flexible)."""

    _fields_ = [("nent", ctypes.c_uint32), ("padding", ctypes.c_uint32)]


class KvmTdxCmd(ctypes.Structure):
    """struct kvm_tdx_cmd (6.16): __u32 id, __u32 flags, __u64 data, __u64 hw_error = 24 bytes."""

    _fields_ = [("id", ctypes.c_uint32), ("flags", ctypes.c_uint32), ("data", ctypes.c_uint64), ("hw_error", ctypes.c_uint64)]


class KvmTdxCapabilitiesHeader(ctypes.Structure):
    """struct kvm_tdx_capabilities (6.16) up to its struct kvm_cpuid2 member: 6 x __u64 + reserved[250]."""

    _fields_ = [
        ("supported_attrs", ctypes.c_uint64),
        ("supported_xfam", ctypes.c_uint64),
        ("kernel_tdvmcallinfo_1_r11", ctypes.c_uint64),
        ("user_tdvmcallinfo_1_r11", ctypes.c_uint64),
        ("kernel_tdvmcallinfo_1_r12", ctypes.c_uint64),
        ("user_tdvmcallinfo_1_r12", ctypes.c_uint64),
        ("reserved", ctypes.c_uint64 * 250),
    ]


KVMIO = 0xAE
KVM_GET_API_VERSION = _IO(KVMIO, 0x00)
KVM_CREATE_VM = _IO(KVMIO, 0x01)
KVM_CHECK_EXTENSION = _IO(KVMIO, 0x03)
KVM_GET_SUPPORTED_CPUID = _IOWR(KVMIO, 0x05, ctypes.sizeof(KvmCpuid2))
KVM_MEMORY_ENCRYPT_OP = _IOWR(KVMIO, 0xBA, ctypes.sizeof(ctypes.c_ulong))
KVM_X86_TDX_VM = 5
KVM_TDX_CAPABILITIES = 0
KVM_MAX_CPUID_ENTRIES = 256


def cpuid2_buffer(nent, header_size=0):
    """A zeroed buffer: [header_size bytes][kvm_cpuid2 header][nent entries]; returns (buf, cpuid2 offset)."""
    size = header_size + ctypes.sizeof(KvmCpuid2) + nent * ctypes.sizeof(KvmCpuidEntry2)
    buf = ctypes.create_string_buffer(size)
    KvmCpuid2.from_buffer(buf, header_size).nent = nent
    return buf, header_size


def read_cpuid2(buf, offset):
    head = KvmCpuid2.from_buffer(buf, offset)
    base = offset + ctypes.sizeof(KvmCpuid2)
    out = []
    for i in range(head.nent):
        e = KvmCpuidEntry2.from_buffer(buf, base + i * ctypes.sizeof(KvmCpuidEntry2))
        out.append({"function": hex(e.function), "index": e.index, "flags": e.flags,
                    "eax": "0x%08x" % e.eax, "ebx": "0x%08x" % e.ebx, "ecx": "0x%08x" % e.ecx, "edx": "0x%08x" % e.edx})
    return out


class SystemIo:
    """The calls that touch the machine, so tests can replace them with a fake device."""

    def open(self, path, flags):
        return os.open(path, flags)

    def close(self, fd):
        os.close(fd)

    def ioctl(self, fd, request, arg):
        import fcntl  # not on every platform; only needed on the host

        return fcntl.ioctl(fd, request, arg, True) if not isinstance(arg, int) else fcntl.ioctl(fd, request, arg)

    def pread(self, fd, size, offset):
        return os.pread(fd, size, offset)

    def listdir(self, path):
        return os.listdir(path)

    def read_text(self, path):
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return f.read()

    def run(self, argv):
        """Output of a command, or None when it cannot run."""
        if shutil.which(argv[0]) is None:
            return None
        try:
            return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=120).stdout
        except (OSError, subprocess.SubprocessError):
            return None


# --- host CPUID ----------------------------------------------------------------------------
# Leaves with sub-leaves and how far to enumerate them (SDM vol. 2A, CPUID).
def _subleaves(leaf, read):
    first = read(leaf, 0)
    if leaf == 4:
        out, s = [], 0
        while s < 64:
            r = read(leaf, s)
            out.append((s, r))
            if r[0] & 0x1F == 0:
                break
            s += 1
        return out
    if leaf in (0xB, 0x1F):
        out, s = [], 0
        while s < 16:
            r = read(leaf, s)
            out.append((s, r))
            if (r[2] >> 8) & 0xFF == 0:
                break
            s += 1
        return out
    if leaf == 0xD:
        return [(s, read(leaf, s)) for s in range(64) if s < 2 or any(read(leaf, s))]
    if leaf in (7, 0x14, 0x17, 0x18, 0x1D, 0x20, 0x24):
        return [(s, read(leaf, s)) for s in range(min(first[0], 31) + 1)]
    if leaf in (0xF, 0x1E):
        return [(s, read(leaf, s)) for s in range(2)]
    if leaf == 0x10:
        return [(s, read(leaf, s)) for s in range(4)]
    if leaf in (0x12, 0x1B, 0x23):
        return [(s, read(leaf, s)) for s in range(16) if s < 2 or any(read(leaf, s))]
    return None


def cpuid_rows(read):
    """All (leaf, subleaf, regs) rows of one CPU, given read(leaf, subleaf) -> (eax, ebx, ecx, edx)."""
    rows = []
    max_basic = read(0, 0)[0]
    for leaf in range(0, min(max_basic, 0xFF) + 1):
        subs = _subleaves(leaf, read)
        if subs is None:
            rows.append((leaf, 0, read(leaf, 0)))
        else:
            rows.extend((leaf, s, r) for s, r in subs)
    if (read(1, 0)[2] >> 31) & 1:
        max_hv = read(0x40000000, 0)[0]
        if 0x40000000 <= max_hv <= 0x400000FF:
            rows.extend((leaf, 0, read(leaf, 0)) for leaf in range(0x40000000, max_hv + 1))
    max_ext = read(0x80000000, 0)[0]
    if 0x80000000 <= max_ext <= 0x800000FF:
        rows.extend((leaf, 0, read(leaf, 0)) for leaf in range(0x80000000, max_ext + 1))
    return rows


def format_cpuid_r(cpus):
    """`cpuid -r` text: 'CPU n:' then '   0xLLLLLLLL 0xSS: eax=0x... ebx=0x... ecx=0x... edx=0x...'."""
    lines = []
    for cpu, rows in cpus:
        lines.append("CPU %d:" % cpu)
        for leaf, sub, (a, b, c, d) in rows:
            lines.append("   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x" % (leaf, sub, a, b, c, d))
    return "\n".join(lines) + "\n"


def host_cpuid(sysio, root="/dev/cpu"):
    """Host CPUID of every CPU via /dev/cpu/N/cpuid (pread at (ecx << 32) | eax); else `cpuid -r`."""
    try:
        cpus = sorted(int(n) for n in sysio.listdir(root) if n.isdigit())
    except OSError:
        cpus = []
    out = []
    for n in cpus:
        try:
            fd = sysio.open("%s/%d/cpuid" % (root, n), os.O_RDONLY)
        except OSError:
            out = []
            break
        try:
            def read(leaf, sub, fd=fd):
                data = sysio.pread(fd, 16, (sub << 32) | leaf)
                return tuple(int.from_bytes(data[i:i + 4], "little") for i in range(0, 16, 4))
            out.append((n, cpuid_rows(read)))
        finally:
            sysio.close(fd)
    if out:
        return format_cpuid_r(out), "/dev/cpu/N/cpuid"
    text = sysio.run(["cpuid", "-r"])
    if text:
        return text, "cpuid -r"
    return None, "no /dev/cpu/N/cpuid (try `modprobe cpuid`) and no `cpuid` tool"


# --- KVM -------------------------------------------------------------------------------------
def kvm_supported_cpuid(sysio, kvm_fd):
    nent = KVM_MAX_CPUID_ENTRIES
    while nent <= 4 * KVM_MAX_CPUID_ENTRIES:
        buf, off = cpuid2_buffer(nent)
        try:
            sysio.ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, buf)
            return read_cpuid2(buf, off)
        except OSError as e:
            if e.errno != errno.E2BIG:
                raise
            nent *= 2
    raise OSError(errno.E2BIG, "KVM_GET_SUPPORTED_CPUID needs more than %d entries" % (nent // 2))


def tdx_capabilities(sysio, kvm_fd):
    """KVM_TDX_CAPABILITIES on a VM of type KVM_X86_TDX_VM; the 6.16 structure, E2BIG doubles the entries."""
    vm_fd = sysio.ioctl(kvm_fd, KVM_CREATE_VM, KVM_X86_TDX_VM)
    try:
        nent = 8
        while nent <= KVM_MAX_CPUID_ENTRIES:
            buf, off = cpuid2_buffer(nent, ctypes.sizeof(KvmTdxCapabilitiesHeader))
            cmd = KvmTdxCmd(id=KVM_TDX_CAPABILITIES, flags=0, data=ctypes.addressof(buf), hw_error=0)
            try:
                sysio.ioctl(vm_fd, KVM_MEMORY_ENCRYPT_OP, cmd)
            except OSError as e:
                if e.errno == errno.E2BIG:
                    nent *= 2
                    continue
                if cmd.hw_error:
                    raise OSError(e.errno, "%s (hw_error 0x%x)" % (e.strerror, cmd.hw_error))
                raise
            h = KvmTdxCapabilitiesHeader.from_buffer(buf, 0)
            return {
                "abi": "6.16",
                "supported_attrs": hex(h.supported_attrs),
                "supported_xfam": hex(h.supported_xfam),
                "kernel_tdvmcallinfo_1_r11": hex(h.kernel_tdvmcallinfo_1_r11),
                "user_tdvmcallinfo_1_r11": hex(h.user_tdvmcallinfo_1_r11),
                "kernel_tdvmcallinfo_1_r12": hex(h.kernel_tdvmcallinfo_1_r12),
                "user_tdvmcallinfo_1_r12": hex(h.user_tdvmcallinfo_1_r12),
                "cpuid": {"nent": KvmCpuid2.from_buffer(buf, off).nent, "entries": read_cpuid2(buf, off)},
            }
        raise OSError(errno.E2BIG, "KVM_TDX_CAPABILITIES needs more than %d entries" % KVM_MAX_CPUID_ENTRIES)
    finally:
        sysio.close(vm_fd)


def capture_kvm(sysio, notes, dev="/dev/kvm"):
    out = {}
    try:
        kvm_fd = sysio.open(dev, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        notes.append("%s: %s (KVM captures skipped)" % (dev, e.strerror or e))
        return out
    try:
        try:
            out["kvm_supported_cpuid"] = kvm_supported_cpuid(sysio, kvm_fd)
        except OSError as e:
            notes.append("KVM_GET_SUPPORTED_CPUID: %s" % (e.strerror or e))
        try:
            out["tdx_capabilities"] = tdx_capabilities(sysio, kvm_fd)
        except OSError as e:
            notes.append("KVM_TDX_CAPABILITIES: %s (is kvm_intel loaded with tdx=1?)" % (e.strerror or e))
    finally:
        sysio.close(kvm_fd)
    return out


# --- module version, kernel log --------------------------------------------------------------
SYSFS_OLD = "/sys/firmware/tdx/tdx_module"  # pre-upstream and distro kernels (Documentation/ABI sysfs-firmware-tdx)
SYSFS_NEW = "/sys/devices/faux/tdx_host/version"  # "x.y.z" (Documentation/ABI sysfs-devices-faux-tdx-host)


def tdx_module_sysfs(sysio):
    try:
        v = sysio.read_text(SYSFS_NEW).strip()
        if re.match(r"^\d+\.\d+\.\d+$", v):
            return {"version": v, "source": SYSFS_NEW}
    except OSError:
        pass
    fields = {}
    for name in ("major_version", "minor_version", "build_num", "build_date", "status"):
        try:
            fields[name] = sysio.read_text("%s/%s" % (SYSFS_OLD, name)).strip()
        except OSError:
            pass
    if "major_version" in fields and "minor_version" in fields:
        num = lambda s: int(s, 0)  # noqa: E731 -- files hold "0x00000001" or "1"
        out = {"version": "%d.%d" % (num(fields["major_version"]), num(fields["minor_version"])), "source": SYSFS_OLD}
        if "build_num" in fields:
            out["build_num"] = num(fields["build_num"])
        if "build_date" in fields:
            out["build_date"] = str(num(fields["build_date"]))
        return out
    return None


TDX_LINE = re.compile(r"Linux version|tdx|TDX|SEAMCALL|seamldr|kvm_intel")


def kernel_log(sysio):
    text = sysio.run(["dmesg"]) or sysio.run(["journalctl", "-k", "-b", "--no-pager"])
    if not text:
        return None
    return "".join(l + "\n" for l in text.splitlines() if TDX_LINE.search(l))


# --- bundle ------------------------------------------------------------------------------------
def add_text(tar, name, text):
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def capture(args, sysio):
    notes = []
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    host = socket.gethostname()
    folder = "tdx-capture-%s-%s" % (re.sub(r"[^A-Za-z0-9_.-]", "_", host), now.strftime("%Y%m%dT%H%M%SZ"))
    files = {}
    cpuid_text, how = host_cpuid(sysio, args.dev_cpu)
    if cpuid_text:
        files["host-cpuid.txt"] = cpuid_text
    else:
        notes.append("host CPUID: %s" % how)
    kvm = {"schema": SCHEMA, "kernel": os.uname().release, "hostname": host, "captured_at": now.isoformat().replace("+00:00", "Z"), "tool": TOOL}
    kvm.update(capture_kvm(sysio, notes, args.dev_kvm))
    module = tdx_module_sysfs(sysio)
    if module:
        kvm["tdx_module"] = module
    else:
        notes.append("TDX module version: no %s nor %s (see dmesg-tdx.txt)" % (SYSFS_NEW, SYSFS_OLD))
    log = kernel_log(sysio)
    if log:
        files["dmesg-tdx.txt"] = log
    else:
        notes.append("kernel log: neither `dmesg` nor `journalctl -k` could be read")
    if args.qemu_log:
        with open(args.qemu_log, "r", encoding="utf-8", errors="replace") as f:
            files["qemu.log"] = f.read()
    if args.qemu_cmdline:
        if args.qemu_cmdline.startswith("@"):
            with open(args.qemu_cmdline[1:], "r", encoding="utf-8", errors="replace") as f:
                files["qemu-cmdline.txt"] = f.read()
        else:
            files["qemu-cmdline.txt"] = args.qemu_cmdline + "\n"
    if notes:
        kvm["notes"] = notes
    files["kvm.json"] = json.dumps(kvm, indent=2) + "\n"
    with tarfile.open(args.output, "w:gz") as tar:
        for name in sorted(files):
            add_text(tar, "%s/%s" % (folder, name), files[name])
    return folder, sorted(files), notes


def main(argv=None, sysio=None):
    p = argparse.ArgumentParser(description="Capture host CPUID, KVM and TDX facts for the TDX CPUID Workbench.")
    p.add_argument("-o", "--output", default="tdx-capture.tar.gz", help="bundle to write (.tar.gz)")
    p.add_argument("--qemu-log", help="QEMU stderr or libvirt log (/var/log/libvirt/qemu/NAME.log)")
    p.add_argument("--qemu-cmdline", help="the QEMU command line, or @FILE holding it")
    p.add_argument("--dev-cpu", default="/dev/cpu", help=argparse.SUPPRESS)
    p.add_argument("--dev-kvm", default="/dev/kvm", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    folder, names, notes = capture(args, sysio or SystemIo())
    sys.stdout.write("wrote %s: %s/{%s}\n" % (args.output, folder, ",".join(names)))
    for n in notes:
        sys.stdout.write("note: %s\n" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
